// binding.cc - the JS binding: converts the plan TypeScript resolved into C structs; blocking work runs off the main thread.
#include <napi.h>
#include <sys/eventfd.h>
#include <uv.h>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "plan.h"
#include "util.h"
}
#include "binding_seccomp.h"
#include "binding_watch.h"

namespace {

const char *ErrnoName(int e);

Napi::Error MakeNativeError(Napi::Env env, const gb_error &e) {
  std::string code = ErrnoName(e.err);
  std::string msg = std::string(e.stage) + ": " + code + (e.path[0] ? std::string(": ") + e.path : "") + " (" + e.syscall + ": " +
                    strerror(e.err) + ")";
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("stage", Napi::String::New(env, e.stage));
  err.Set("syscall", Napi::String::New(env, e.syscall));
  err.Set("path", Napi::String::New(env, e.path));
  err.Set("errno", Napi::Number::New(env, e.err));
  err.Set("code", Napi::String::New(env, code));
  err.Set("native", Napi::Boolean::New(env, true));
  return err;
}

// ---- plan conversion (TypeScript validated it; we still refuse wrong types instead of crashing) ----

struct OwnedPlan {
  gb_spawn_plan plan{};
  std::deque<std::string> strings;  // stable addresses
  std::vector<const char *> lower, procs;
  std::vector<gb_mount_op> ops;
  std::vector<gid_t> groups;
  std::vector<char *> argv, envp;
  std::vector<unsigned char> bpf;

  const char *Keep(const std::string &s) {
    strings.push_back(s);
    return strings.back().c_str();
  }
};

std::string Str(Napi::Object o, const char *key, bool required = false) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) {
    if (required) throw Napi::TypeError::New(o.Env(), std::string("plan.") + key + " is required");
    return std::string();
  }
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string("plan.") + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

double Num(Napi::Object o, const char *key, double def) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return def;
  if (v.IsBigInt()) {
    bool lossless;
    return (double)v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("plan.") + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

uint64_t U64(Napi::Object o, const char *key) {
  Napi::Value v = o.Get(key);
  if (v.IsBigInt()) {
    bool lossless;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  return (uint64_t)Num(o, key, 0);
}

std::vector<std::string> StrArray(Napi::Object o, const char *key) {
  std::vector<std::string> out;
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return out;
  if (!v.IsArray()) throw Napi::TypeError::New(o.Env(), std::string("plan.") + key + " must be an array");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value e = a.Get(i);
    if (!e.IsString()) throw Napi::TypeError::New(o.Env(), std::string("plan.") + key + " must hold strings");
    out.push_back(e.As<Napi::String>().Utf8Value());
  }
  return out;
}

const char *OptStr(OwnedPlan &op, Napi::Object o, const char *key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  return op.Keep(Str(o, key));
}

std::unique_ptr<OwnedPlan> ConvertPlan(Napi::Object o) {
  auto op = std::make_unique<OwnedPlan>();
  gb_spawn_plan &p = op->plan;
  p.name = op->Keep(Str(o, "name", true));
  p.clone_flags = (int)Num(o, "cloneFlags", 0);
  p.unshare_cgroup = o.Get("unshareCgroup").ToBoolean();
  p.unshare_time = o.Get("unshareTime").ToBoolean();
  p.time_monotonic_s = (int64_t)Num(o, "timeMonotonicSecs", 0);
  p.time_boottime_s = (int64_t)Num(o, "timeBoottimeSecs", 0);
  p.uid_map = OptStr(*op, o, "uidMap");
  p.gid_map = OptStr(*op, o, "gidMap");
  p.cgroup_fd = (int)Num(o, "cgroupFd", -1);
  for (auto &s : StrArray(o, "cgroupProcs")) op->procs.push_back(op->Keep(s));
  p.cgroup_procs = op->procs.data();
  p.n_cgroup_procs = (int)op->procs.size();
  p.gate_fd = (int)Num(o, "gateFd", -1);

  std::string kind = Str(o, "rootfsKind", true);
  if (kind == "overlay") p.rootfs_kind = GB_ROOTFS_OVERLAY;
  else if (kind == "bind") p.rootfs_kind = GB_ROOTFS_BIND;
  else throw Napi::TypeError::New(o.Env(), "plan.rootfsKind must be overlay or bind");
  p.root_dir = op->Keep(Str(o, "rootDir", true));
  for (auto &s : StrArray(o, "lower")) op->lower.push_back(op->Keep(s));
  p.lower = op->lower.data();
  p.n_lower = (int)op->lower.size();
  p.upper = OptStr(*op, o, "upper");
  p.work = OptStr(*op, o, "work");
  p.staging = OptStr(*op, o, "staging");
  p.bind_source = OptStr(*op, o, "bindSource");
  p.idmap = o.Get("idmap").ToBoolean();
  p.root_readonly = o.Get("rootReadonly").ToBoolean();
  if (p.rootfs_kind == GB_ROOTFS_OVERLAY && (!p.n_lower || !p.upper || !p.work || (p.idmap && !p.staging)))
    throw Napi::TypeError::New(o.Env(), "plan: an overlay root needs lower, upper, work (and staging when idmapped)");
  if (p.rootfs_kind == GB_ROOTFS_BIND && !p.bind_source) throw Napi::TypeError::New(o.Env(), "plan.bindSource is required");

  Napi::Value opsv = o.Get("ops");
  if (opsv.IsArray()) {
    Napi::Array a = opsv.As<Napi::Array>();
    op->ops.resize(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object m = a.Get(i).As<Napi::Object>();
      gb_mount_op &mo = op->ops[i];
      std::string k = Str(m, "kind", true);
      mo.kind = k == "mount" ? GB_OP_MOUNT : k == "bind" ? GB_OP_BIND : k == "mask" ? GB_OP_MASK : k == "readonly" ? GB_OP_READONLY
              : k == "symlink" ? GB_OP_SYMLINK : k == "mkdir" ? GB_OP_MKDIR : 0;
      if (!mo.kind) throw Napi::TypeError::New(o.Env(), "plan.ops[].kind: unknown " + k);
      mo.source = OptStr(*op, m, "source");
      mo.target = op->Keep(Str(m, "target", true));
      mo.fstype = OptStr(*op, m, "fstype");
      mo.flags = (unsigned long)Num(m, "flags", 0);
      mo.propagation = (unsigned long)Num(m, "propagation", 0);
      mo.data = OptStr(*op, m, "data");
      mo.mkdir = (int)Num(m, "mkdir", 0);
    }
  }
  p.ops = op->ops.data();
  p.n_ops = (int)op->ops.size();

  p.hostname = OptStr(*op, o, "hostname");
  p.domainname = OptStr(*op, o, "domainname");
  p.loopback_up = o.Get("loopbackUp").ToBoolean();
  Napi::Value rl = o.Get("rlimits");
  if (rl.IsArray()) {
    Napi::Array a = rl.As<Napi::Array>();
    if (a.Length() > GB_MAX_RLIMITS) throw Napi::TypeError::New(o.Env(), "plan.rlimits: too many");
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object r = a.Get(i).As<Napi::Object>();
      p.rlimits[i].resource = (int)Num(r, "resource", 0);
      p.rlimits[i].soft = U64(r, "soft");
      p.rlimits[i].hard = U64(r, "hard");
    }
    p.n_rlimits = (int)a.Length();
  }
  Napi::Value oom = o.Get("oomScoreAdj");
  p.set_oom_score_adj = oom.IsNumber();
  p.oom_score_adj = oom.IsNumber() ? oom.As<Napi::Number>().Int32Value() : 0;

  p.cap_last = (int)Num(o, "capLast", 40);
  p.cap_eff = U64(o, "capEffective");
  p.cap_prm = U64(o, "capPermitted");
  p.cap_inh = U64(o, "capInheritable");
  p.cap_bnd = U64(o, "capBounding");
  p.cap_amb = U64(o, "capAmbient");
  p.uid = (uid_t)Num(o, "uid", 0);
  p.gid = (gid_t)Num(o, "gid", 0);
  Napi::Value g = o.Get("groups");
  if (g.IsArray()) {
    Napi::Array a = g.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) op->groups.push_back((gid_t)a.Get(i).As<Napi::Number>().Uint32Value());
  }
  p.groups = op->groups.data();
  p.n_groups = (int)op->groups.size();
  p.no_new_privs = o.Get("noNewPrivileges").ToBoolean();
  Napi::Value bpf = o.Get("seccompBpf");
  if (bpf.IsBuffer()) {
    auto b = bpf.As<Napi::Buffer<unsigned char>>();
    op->bpf.assign(b.Data(), b.Data() + b.Length());
    p.bpf = op->bpf.data();
    p.bpf_len = op->bpf.size();
  }
  p.cwd = op->Keep(Str(o, "cwd").empty() ? "/" : Str(o, "cwd"));
  Napi::Value st = o.Get("stdio");
  for (int i = 0; i < 3; i++) p.stdio[i] = st.IsArray() ? st.As<Napi::Array>().Get(i).As<Napi::Number>().Int32Value() : i;
  p.init_fd = (int)Num(o, "initFd", -1);
  if (p.init_fd < 0) throw Napi::TypeError::New(o.Env(), "plan.initFd is required");
  for (auto &s : StrArray(o, "argv")) op->argv.push_back(const_cast<char *>(op->Keep(s)));
  if (op->argv.empty()) throw Napi::TypeError::New(o.Env(), "plan.argv must not be empty");
  op->argv.push_back(nullptr);
  for (auto &s : StrArray(o, "env")) op->envp.push_back(const_cast<char *>(op->Keep(s)));
  op->envp.push_back(nullptr);
  p.argv = op->argv.data();
  p.envp = op->envp.data();
  p.wait_start = o.Get("waitStart").ToBoolean();
  p.timeout_ms = (int)Num(o, "timeoutMs", 10000);
  return op;
}

// ---- async workers -------------------------------------------------------------------------

// A created (not yet started) container's child still runs on its plan and stack, in our memory (spawn.c,
// CLONE_VM): both stay here, keyed by its sync socket, until gb_start or gb_abandon says it is done with them.
struct Pending {
  std::unique_ptr<OwnedPlan> plan;
  void *stack = nullptr;
  size_t stack_size = 0;
  ~Pending() { gb_spawn_release(stack, stack_size); }
};
std::map<int, std::unique_ptr<Pending>> pending;  // touched on the main thread only

class SpawnWorker : public Napi::AsyncWorker {
 public:
  SpawnWorker(Napi::Env env, std::unique_ptr<OwnedPlan> plan)
      : Napi::AsyncWorker(env), plan_(std::move(plan)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { ok_ = gb_spawn(&plan_->plan, &res_, &err_) == 0; }
  void OnOK() override {
    Napi::Env env = Env();
    if (!ok_) {
      deferred_.Reject(MakeNativeError(env, err_).Value());
      return;
    }
    if (res_.sync_fd >= 0) {
      auto p = std::make_unique<Pending>();
      p->plan = std::move(plan_);
      p->stack = res_.stack;
      p->stack_size = res_.stack_size;
      pending[res_.sync_fd] = std::move(p);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("pid", res_.pid);
    o.Set("pidfd", res_.pidfd);
    o.Set("syncFd", res_.sync_fd);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<OwnedPlan> plan_;
  Napi::Promise::Deferred deferred_;
  gb_spawn_result res_{};
  gb_error err_{};
  bool ok_ = false;
};

class StartWorker : public Napi::AsyncWorker {
 public:
  StartWorker(Napi::Env env, int sync_fd, int pidfd, int timeout)
      : Napi::AsyncWorker(env), sync_fd_(sync_fd), pidfd_(pidfd), timeout_(timeout), deferred_(Napi::Promise::Deferred::New(env)) {
    auto it = pending.find(sync_fd);
    if (it != pending.end()) {
      held_ = std::move(it->second);
      pending.erase(it);
    }
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { ok_ = gb_start(sync_fd_, pidfd_, timeout_, &err_) == 0; }
  void OnOK() override {
    held_.reset();  // the child has exec'd or is dead: its plan and stack are free
    if (ok_) deferred_.Resolve(Env().Undefined());
    else deferred_.Reject(MakeNativeError(Env(), err_).Value());
  }
  void OnError(const Napi::Error &e) override { held_.reset(); deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<Pending> held_;
  int sync_fd_, pidfd_, timeout_;
  Napi::Promise::Deferred deferred_;
  gb_error err_{};
  bool ok_ = false;
};

Napi::Value Spawn(const Napi::CallbackInfo &info) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "spawn(plan): plan must be an object");
  auto *w = new SpawnWorker(info.Env(), ConvertPlan(info[0].As<Napi::Object>()));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Abandon(const Napi::CallbackInfo &info) {
  int sync_fd = info[0].As<Napi::Number>().Int32Value(), pidfd = info[1].As<Napi::Number>().Int32Value();
  gb_abandon(sync_fd, pidfd);
  pending.erase(sync_fd);
  return info.Env().Undefined();
}

Napi::Value Start(const Napi::CallbackInfo &info) {
  int timeout = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 10000;
  auto *w = new StartWorker(info.Env(), info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(), timeout);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// ---- exit notification: a pidfd turns readable when the process exits (pidfd_open(2)) ---------

struct ExitWatch {
  uv_poll_t poll;
  int pidfd;
  Napi::FunctionReference cb;
};

void OnPidfdReadable(uv_poll_t *handle, int, int) {
  auto *w = static_cast<ExitWatch *>(handle->data);
  siginfo_t si{};
  int r = gb_reap(w->pidfd, &si);
  if (r == 0) return;  // spurious: not yet a zombie
  uv_poll_stop(handle);
  Napi::Env env = w->cb.Env();
  Napi::HandleScope scope(env);
  int code = -1, sig = 0;
  if (r > 0) {
    if (si.si_code == CLD_EXITED) code = si.si_status;
    else sig = si.si_status;
  }
  Napi::Function fn = w->cb.Value();
  w->cb.Reset();
  uv_close(reinterpret_cast<uv_handle_t *>(handle), [](uv_handle_t *h) { delete static_cast<ExitWatch *>(h->data); });
  fn.MakeCallback(env.Global(), {Napi::Number::New(env, code), Napi::Number::New(env, sig)});
}

Napi::Value WatchExit(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "watchExit(pidfd, callback)");
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  auto *w = new ExitWatch();
  w->pidfd = info[0].As<Napi::Number>().Int32Value();
  w->cb = Napi::Persistent(info[1].As<Napi::Function>());
  w->poll.data = w;
  if (uv_poll_init(loop, &w->poll, w->pidfd) != 0) {
    delete w;
    throw Napi::Error::New(env, "watchExit: uv_poll_init failed");
  }
  uv_poll_start(&w->poll, UV_READABLE, OnPidfdReadable);
  return env.Undefined();
}

// ---- small synchronous helpers -----------------------------------------------------------------

Napi::Value ThrowErr(Napi::Env env, const gb_error &e) { throw MakeNativeError(env, e); }

Napi::Value PidfdOpen(const Napi::CallbackInfo &info) {
  gb_error e{};
  int fd = gb_pidfd_open(info[0].As<Napi::Number>().Int32Value(), &e);
  if (fd < 0) return ThrowErr(info.Env(), e);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value PidfdSendSignal(const Napi::CallbackInfo &info) {
  gb_error e{};
  if (gb_pidfd_signal(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(), &e) < 0)
    return ThrowErr(info.Env(), e);
  return info.Env().Undefined();
}

Napi::Value NsInodes(const Napi::CallbackInfo &info) {
  static const char *types[] = {"user", "pid", "mnt", "uts", "ipc", "net", "cgroup", "time"};
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "nsInodes(pid)");
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  Napi::Object o = Napi::Object::New(env);
  for (const char *t : types) {
    gb_error e{};
    unsigned long long ino = 0;
    if (gb_ns_inode(pid, t, &ino, &e) < 0) {
      if (e.err == ENOENT && std::string(t) == "time") { o.Set(t, env.Null()); continue; }
      return ThrowErr(env, e);
    }
    o.Set(t, Napi::Number::New(env, (double)ino));
  }
  return o;
}

Napi::Value SealedExecutable(const Napi::CallbackInfo &info) {
  gb_error e{};
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = gb_sealed_copy(path.c_str(), &e);
  if (fd < 0) return ThrowErr(info.Env(), e);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value OpenInRoot(const Napi::CallbackInfo &info) {
  gb_error e{};
  std::string root = info[0].As<Napi::String>().Utf8Value(), rel = info[1].As<Napi::String>().Utf8Value();
  int flags = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 0;
  int fd = gb_open_in_root(root.c_str(), rel.c_str(), flags, &e);
  if (fd < 0) return ThrowErr(info.Env(), e);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value OpenPty(const Napi::CallbackInfo &info) {
  gb_error e{};
  int master, slave;
  char name[128];
  if (gb_openpty(&master, &slave, name, sizeof name, &e) < 0) return ThrowErr(info.Env(), e);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("master", master);
  o.Set("slave", slave);
  o.Set("path", name);
  return o;
}

Napi::Value SetWinsize(const Napi::CallbackInfo &info) {
  gb_error e{};
  if (gb_set_winsize(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                     info[2].As<Napi::Number>().Int32Value(), &e) < 0)
    return ThrowErr(info.Env(), e);
  return info.Env().Undefined();
}

Napi::Value ProbeIdmap(const Napi::CallbackInfo &info) {
  gb_error e{};
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  int r = gb_probe_idmap(dir.c_str(), &e);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("supported", r == 0);
  if (r < 0) o.Set("error", MakeNativeError(info.Env(), e).Value());
  return o;
}

Napi::Value Umount(const Napi::CallbackInfo &info) {
  gb_error e{};
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int flags = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
  if (gb_umount(path.c_str(), flags, &e) < 0) return ThrowErr(info.Env(), e);
  return info.Env().Undefined();
}

// A spawn's gate (plan.gateFd, spawn.c): an eventfd that TypeScript writes 1 (go on) or 2 (give up) to.
Napi::Value GateFd(const Napi::CallbackInfo &info) {
  int fd = eventfd(0, EFD_CLOEXEC);
  if (fd < 0) {
    gb_error e{};
    gb_fail(&e, "spawn", "eventfd", "", errno);
    return ThrowErr(info.Env(), e);
  }
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value MountTmpfs(const Napi::CallbackInfo &info) {
  gb_error e{};
  std::string dir = info[0].As<Napi::String>().Utf8Value(), data = info[1].As<Napi::String>().Utf8Value();
  if (gb_mount_tmpfs(dir.c_str(), data.c_str(), &e) < 0) return ThrowErr(info.Env(), e);
  return info.Env().Undefined();
}

const char *ErrnoName(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "EUNKNOWN";
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawn", Napi::Function::New(env, Spawn));
  exports.Set("start", Napi::Function::New(env, Start));
  exports.Set("abandon", Napi::Function::New(env, Abandon));
  exports.Set("watchExit", Napi::Function::New(env, WatchExit));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSendSignal", Napi::Function::New(env, PidfdSendSignal));
  exports.Set("nsInodes", Napi::Function::New(env, NsInodes));
  exports.Set("sealedExecutable", Napi::Function::New(env, SealedExecutable));
  exports.Set("openInRoot", Napi::Function::New(env, OpenInRoot));
  exports.Set("openpty", Napi::Function::New(env, OpenPty));
  exports.Set("setWinsize", Napi::Function::New(env, SetWinsize));
  exports.Set("mountTmpfs", Napi::Function::New(env, MountTmpfs));
  exports.Set("gateFd", Napi::Function::New(env, GateFd));
  exports.Set("umount", Napi::Function::New(env, Umount));
  exports.Set("probeIdmap", Napi::Function::New(env, ProbeIdmap));
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp));
  exports.Set("testSeccompFilter", Napi::Function::New(env, TestSeccompFilter));
  exports.Set("auditStart", Napi::Function::New(env, AuditStart));
  exports.Set("auditStop", Napi::Function::New(env, AuditStop));
  exports.Set("syscallName", Napi::Function::New(env, SyscallName));
  exports.Set("lgetxattr", Napi::Function::New(env, Lgetxattr));
  exports.Set("utsHostname", Napi::Function::New(env, UtsHostname));
  return exports;
}

NODE_API_MODULE(glassbox, Init)
