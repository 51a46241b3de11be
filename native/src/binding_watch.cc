// binding_watch.cc - JS bindings of the live views' native helpers; the audit socket is polled on the event loop (uv_poll).
#include "binding_watch.h"
#include <uv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <string>
#include <vector>
extern "C" {
#include "watch.h"
}

namespace {

Napi::Error WatchError(Napi::Env env, const gb_error& e) {
  const char* name = strerrorname_np(e.err);
  std::string code = name ? name : "EUNKNOWN";
  std::string msg = std::string(e.stage) + ": " + code + (e.path[0] ? std::string(": ") + e.path : "") + " (" + e.syscall +
                    ": " + strerror(e.err) + ")";
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("stage", e.stage);
  err.Set("syscall", e.syscall);
  err.Set("path", e.path);
  err.Set("errno", Napi::Number::New(env, e.err));
  err.Set("code", code);
  err.Set("native", true);
  return err;
}

// One audit listener per process (the kernel copies each record to every multicast listener anyway).
struct AuditListener {
  uv_poll_t poll;
  int fd = -1;
  Napi::FunctionReference cb;
};
AuditListener* listener = nullptr;  // touched on the main thread only

constexpr int kAuditSeccomp = 1326;     // AUDIT_SECCOMP
constexpr int kMaxPerWakeup = 512;      // then yield to the loop; the poll fires again while data is queued

void OnAuditReadable(uv_poll_t* handle, int status, int) {
  auto* l = static_cast<AuditListener*>(handle->data);
  if (status < 0) return;
  std::vector<std::string> records;
  bool lost = false;
  static char text[8970];  // MAX_AUDIT_MESSAGE_LENGTH
  for (int i = 0; i < kMaxPerWakeup; i++) {
    int type = 0;
    int r = gb_audit_next(l->fd, &type, text, sizeof text);
    if (r == 0) break;
    if (r < 0) {
      if (errno == ENOBUFS) { lost = true; continue; }
      break;
    }
    if (type == kAuditSeccomp) records.emplace_back(text);
  }
  if (records.empty() && !lost) return;
  Napi::Env env = l->cb.Env();
  Napi::HandleScope scope(env);
  Napi::Array arr = Napi::Array::New(env, records.size());
  for (size_t i = 0; i < records.size(); i++) arr.Set(i, Napi::String::New(env, records[i]));
  l->cb.Value().MakeCallback(env.Global(), {arr, Napi::Boolean::New(env, lost)});
}

}  // namespace

Napi::Value AuditStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "auditStart(callback)");
  if (listener) throw Napi::Error::New(env, "auditStart: already listening");
  gb_error e{};
  int fd = gb_audit_open(&e);
  if (fd < 0) throw WatchError(env, e);
  uv_loop_t* loop;
  napi_get_uv_event_loop(env, &loop);
  auto* l = new AuditListener();
  l->fd = fd;
  l->cb = Napi::Persistent(info[0].As<Napi::Function>());
  l->poll.data = l;
  if (uv_poll_init(loop, &l->poll, fd) != 0) {
    close(fd);
    delete l;
    throw Napi::Error::New(env, "auditStart: uv_poll_init failed");
  }
  uv_poll_start(&l->poll, UV_READABLE, OnAuditReadable);
  // the feed alone never keeps the server (or a test) alive; watchers stop it on dispose
  uv_unref(reinterpret_cast<uv_handle_t*>(&l->poll));
  listener = l;
  return env.Undefined();
}

Napi::Value AuditStop(const Napi::CallbackInfo& info) {
  if (!listener) return info.Env().Undefined();
  AuditListener* l = listener;
  listener = nullptr;
  uv_poll_stop(&l->poll);
  l->cb.Reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&l->poll), [](uv_handle_t* h) {
    auto* l = static_cast<AuditListener*>(h->data);
    close(l->fd);
    delete l;
  });
  return info.Env().Undefined();
}

Napi::Value SyscallName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "syscallName(nr, auditArch?)");
  int nr = info[0].As<Napi::Number>().Int32Value();
  unsigned arch = info.Length() > 1 && info[1].IsNumber() ? (unsigned)info[1].As<Napi::Number>().Int64Value() : 0;
  char* name = gb_syscall_name(nr, arch);
  if (!name) return env.Null();
  Napi::String s = Napi::String::New(env, name);
  free(name);
  return s;
}

Napi::Value Lgetxattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "lgetxattr(path, name)");
  std::string path = info[0].As<Napi::String>().Utf8Value(), name = info[1].As<Napi::String>().Utf8Value();
  char buf[256];  // the values we read are flags such as "y"; a longer one is an error (ERANGE), not a truncation
  gb_error e{};
  ssize_t n = gb_lgetxattr(path.c_str(), name.c_str(), buf, sizeof buf, &e);
  if (n < 0) {
    if (e.err == ENODATA || e.err == ENOTSUP) return env.Null();
    throw WatchError(env, e);
  }
  return Napi::Buffer<char>::Copy(env, buf, (size_t)n);
}

Napi::Value UtsHostname(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "utsHostname(pid)");
  char buf[256];
  gb_error e{};
  if (gb_uts_hostname(info[0].As<Napi::Number>().Int32Value(), buf, sizeof buf, &e) < 0) throw WatchError(env, e);
  return Napi::String::New(env, buf);
}
