// binding_seccomp.cc - Node-API glue for seccomp: OciSeccomp object -> C struct -> BPF Buffer, and a filter tester.
#include "binding_seccomp.h"
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <string>
#include <vector>
extern "C" {
#include "seccomp.h"
}

namespace {

// Owns the strings and arrays the C struct points into.
struct ProfileStore {
  std::vector<std::string> strings_storage;
  std::vector<std::vector<const char*>> names;
  std::vector<std::vector<gb_seccomp_arg>> args;
  std::vector<gb_seccomp_rule> rules;
  std::vector<std::string> arch_storage;
  std::vector<const char*> arches;
};

// Conversion failures return false with `why` set: a message for a JS Error (works with or without C++ exceptions).
bool GetString(const Napi::Value& v, const std::string& field, std::string* out, std::string* why) {
  if (!v.IsString()) { *why = field + " must be a string"; return false; }
  *out = v.As<Napi::String>().Utf8Value();
  return true;
}

bool GetU64(const Napi::Value& v, const std::string& field, uint64_t* out, std::string* why) {
  if (v.IsBigInt()) {
    bool lossless = false;
    *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) { *why = field + " must fit in 64 bits"; return false; }
    return true;
  }
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0 && d == (double)(uint64_t)d)) {
    *why = field + " must be a non-negative integer";
    return false;
  }
  *out = (uint64_t)d;
  return true;
}

bool GetErrno(const Napi::Object& o, const char* key, const std::string& field, int* out, std::string* why) {
  *out = -1;
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return true;
  uint64_t n = 0;
  if (!GetU64(v, field, &n, why)) return false;
  if (n > 4095) { *why = field + " must be an errno (0..4095)"; return false; }
  *out = (int)n;
  return true;
}

bool GetAction(const Napi::Value& v, const std::string& field, gb_seccomp_action* out, std::string* why) {
  std::string name;
  if (!GetString(v, field, &name, why)) return false;
  if (name == "SCMP_ACT_NOTIFY") { *why = field + ": SCMP_ACT_NOTIFY is not supported yet"; return false; }
  int a = gb_seccomp_action_parse(name.c_str());
  if (a < 0) { *why = field + ": unknown action '" + name + "'"; return false; }
  *out = (gb_seccomp_action)a;
  return true;
}

bool GetArg(const Napi::Value& v, const std::string& field, gb_seccomp_arg* out, std::string* why) {
  if (!v.IsObject()) { *why = field + " must be an object"; return false; }
  Napi::Object o = v.As<Napi::Object>();
  uint64_t index = 0;
  if (!GetU64(o.Get("index"), field + ".index", &index, why)) return false;
  if (index > 5) { *why = field + ".index must be 0..5"; return false; }
  out->index = (unsigned)index;
  if (!GetU64(o.Get("value"), field + ".value", &out->value, why)) return false;
  out->value_two = 0;
  Napi::Value two = o.Get("valueTwo");
  if (!two.IsUndefined() && !GetU64(two, field + ".valueTwo", &out->value_two, why)) return false;
  std::string op;
  if (!GetString(o.Get("op"), field + ".op", &op, why)) return false;
  int parsed = gb_seccomp_op_parse(op.c_str());
  if (parsed < 0) { *why = field + ".op: unknown comparison '" + op + "'"; return false; }
  out->op = (gb_seccomp_op)parsed;
  return true;
}

bool GetRule(const Napi::Value& v, const std::string& field, ProfileStore* s, size_t i, std::string* why) {
  if (!v.IsObject()) { *why = field + " must be an object"; return false; }
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value names = o.Get("names");
  if (!names.IsArray()) { *why = field + ".names must be an array of strings"; return false; }
  Napi::Array na = names.As<Napi::Array>();
  for (uint32_t k = 0; k < na.Length(); k++) {
    std::string name;
    if (!GetString(na.Get(k), field + ".names[" + std::to_string(k) + "]", &name, why)) return false;
    s->strings_storage.push_back(name);
  }
  s->names[i].resize(na.Length());  // pointers filled once strings_storage stops growing
  gb_seccomp_rule r{};
  if (!GetAction(o.Get("action"), field + ".action", &r.action, why)) return false;
  if (!GetErrno(o, "errnoRet", field + ".errnoRet", &r.errno_ret, why)) return false;
  Napi::Value args = o.Get("args");
  if (!args.IsUndefined() && !args.IsNull()) {
    if (!args.IsArray()) { *why = field + ".args must be an array"; return false; }
    Napi::Array aa = args.As<Napi::Array>();
    if (aa.Length() > 6) { *why = field + ".args has more than 6 conditions"; return false; }
    s->args[i].resize(aa.Length());
    for (uint32_t k = 0; k < aa.Length(); k++)
      if (!GetArg(aa.Get(k), field + ".args[" + std::to_string(k) + "]", &s->args[i][k], why)) return false;
  }
  s->rules[i] = r;
  return true;
}

bool ToProfile(const Napi::Value& v, ProfileStore* s, gb_seccomp_profile* p, std::string* why) {
  if (!v.IsObject()) { *why = "seccomp profile must be an object"; return false; }
  Napi::Object o = v.As<Napi::Object>();
  *p = gb_seccomp_profile{};
  if (!GetAction(o.Get("defaultAction"), "defaultAction", &p->default_action, why)) return false;
  if (!GetErrno(o, "defaultErrnoRet", "defaultErrnoRet", &p->default_errno_ret, why)) return false;
  Napi::Value arches = o.Get("architectures");
  if (!arches.IsUndefined() && !arches.IsNull()) {
    if (!arches.IsArray()) { *why = "architectures must be an array of strings"; return false; }
    Napi::Array aa = arches.As<Napi::Array>();
    s->arch_storage.resize(aa.Length());
    for (uint32_t k = 0; k < aa.Length(); k++)
      if (!GetString(aa.Get(k), "architectures[" + std::to_string(k) + "]", &s->arch_storage[k], why)) return false;
    for (auto& a : s->arch_storage) s->arches.push_back(a.c_str());
  }
  Napi::Value syscalls = o.Get("syscalls");
  if (!syscalls.IsUndefined() && !syscalls.IsNull()) {
    if (!syscalls.IsArray()) { *why = "syscalls must be an array"; return false; }
    Napi::Array sa = syscalls.As<Napi::Array>();
    s->names.resize(sa.Length());
    s->args.resize(sa.Length());
    s->rules.resize(sa.Length());
    for (uint32_t i = 0; i < sa.Length(); i++)
      if (!GetRule(sa.Get(i), "syscalls[" + std::to_string(i) + "]", s, i, why)) return false;
    size_t next = 0;  // strings_storage is complete: point each rule's names into it, in order
    for (size_t i = 0; i < s->rules.size(); i++) {
      for (auto& n : s->names[i]) n = s->strings_storage[next++].c_str();
      s->rules[i].names = s->names[i].data();
      s->rules[i].n_names = s->names[i].size();
      s->rules[i].args = s->args[i].data();
      s->rules[i].n_args = s->args[i].size();
    }
  }
  p->architectures = s->arches.data();
  p->n_architectures = s->arches.size();
  p->rules = s->rules.data();
  p->n_rules = s->rules.size();
  return true;
}

Napi::Value Throw(Napi::Env env, const std::string& message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// A gb_error as a JS Error with the NativeError fields (stage, syscall, path, errno, code).
Napi::Value ThrowNative(Napi::Env env, const gb_error& e) {
  const char* code = strerrorname_np(e.err);
  std::string msg = std::string(e.stage) + ": " + e.syscall + (e.path[0] ? std::string(" `") + e.path + "`" : "") +
                    ": " + strerror(e.err);
  Napi::Error err = Napi::Error::New(env, msg);
  err.Set("stage", e.stage);
  err.Set("syscall", e.syscall);
  err.Set("path", e.path);
  err.Set("errno", Napi::Number::New(env, e.err));
  err.Set("code", code ? code : "EUNKNOWN");
  err.Set("native", true);  // native/index.ts toNativeError() turns it into a NativeError
  err.ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace

Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProfileStore store;
  gb_seccomp_profile profile;
  std::string why;
  if (!ToProfile(info[0], &store, &profile, &why)) return Throw(env, "compileSeccomp: " + why);
  unsigned char* bpf = nullptr;
  size_t len = 0;
  gb_error err{};
  if (gb_seccomp_compile(&profile, &bpf, &len, &err) < 0) return ThrowNative(env, err);
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::Copy(env, bpf, len);
  free(bpf);
  return out;
}

// --- testSeccompFilter: run one harmless syscall under a filter, in a throwaway child ---

namespace {

// Each probe makes one syscall with arguments that change nothing on the host; the comment says
// what it returns when the filter allows it (as root), so a test can tell "filtered" from "kernel said no".
long ProbeClone(unsigned long flags) {
  long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) syscall(SYS_exit_group, 0);  // the grandchild leaves at once
  if (pid > 0) { syscall(SYS_wait4, pid, 0, 0, 0); return 0; }
  return pid;
}

long RunProbe(int which, const char* tmp) {
  switch (which) {
  case 0: return syscall(SYS_getpid);
  case 1: return syscall(SYS_mkdir, tmp, 0700);                          // 0; the parent removes it
  case 2: return syscall(SYS_mkdirat, AT_FDCWD, tmp, 0700);
  case 3: return syscall(SYS_reboot, 0, 0, 0, 0);                        // bad magic: EINVAL
  case 4: return syscall(SYS_keyctl, 0x7fff, 0, 0, 0, 0);                // no such operation: EOPNOTSUPP
  case 5: return syscall(SYS_bpf, -1, 0, 0);                             // no such command: EINVAL
  case 6: return syscall(SYS_unshare, 0);                                // 0
  case 7: return syscall(SYS_unshare, CLONE_NEWUTS);                     // 0, in the child only
  case 8: return syscall(SYS_setns, -1, 0);                              // EBADF
  case 9: return syscall(SYS_mount, 0, 0, 0, 0, 0);                      // EFAULT
  case 10: return syscall(SYS_umount2, tmp, 0);                          // ENOENT
  case 11: return ProbeClone(0);                                         // 0
  case 12: return ProbeClone(CLONE_NEWUTS);                              // 0
  case 13: return syscall(SYS_clone3, 0, 0);                             // size 0: EINVAL
  case 14: return syscall(SYS_personality, 0xffffffffUL);                // the current persona
  case 15: return syscall(SYS_userfaultfd, O_CLOEXEC);                   // an fd
  case 16: return syscall(SYS_perf_event_open, 0, 0, -1, -1, 0);         // EFAULT
  case 17: return syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);  // 0
  case 18: return syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, 0x7fffffff, 0, 0);  // ESRCH
  case 19: return syscall(SYS_chroot, "/");                              // 0, in the child only
  case 20: return syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0); // an fd or EAFNOSUPPORT
  case 21: return syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0);  // the log size
  case 22: return syscall(SYS_process_vm_readv, 0x7fffffff, 0, 0, 0, 0, 0);       // 0 (nothing to copy)
  }
  return -1;
}

const char* const kProbes[] = {
  "getpid", "mkdir", "mkdirat", "reboot", "keyctl", "bpf", "unshare", "unshare_newuts", "setns", "mount",
  "umount2", "clone", "clone_newuts", "clone3", "personality", "userfaultfd", "perf_event_open", "kcmp",
  "ptrace", "chroot", "socket_vsock", "syslog", "process_vm_readv",
};

struct ProbeReport { int stage; long ret; int err; };  // stage: 0 ran, 1 no_new_privs failed, 2 seccomp() failed

}  // namespace

Napi::Value TestSeccompFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer()) return Throw(env, "testSeccompFilter: bpf must be a Buffer");
  if (!info[1].IsString()) return Throw(env, "testSeccompFilter: syscallName must be a string");
  Napi::Buffer<unsigned char> bpf = info[0].As<Napi::Buffer<unsigned char>>();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  if (bpf.Length() == 0 || bpf.Length() % sizeof(sock_filter) || bpf.Length() / sizeof(sock_filter) > BPF_MAXINSNS)
    return Throw(env, "testSeccompFilter: bpf is not a whole BPF program");
  int which = -1;
  for (size_t i = 0; i < sizeof kProbes / sizeof *kProbes; i++)
    if (name == kProbes[i]) which = (int)i;
  if (which < 0) return Throw(env, "testSeccompFilter: no probe for syscall '" + name + "'");

  // Everything the child needs is prepared here: after fork it makes raw syscalls only (Node is multithreaded).
  std::vector<unsigned char> code(bpf.Data(), bpf.Data() + bpf.Length());
  sock_fprog prog{ (unsigned short)(code.size() / sizeof(sock_filter)), (sock_filter*)code.data() };
  char dir[] = "/tmp/glassbox-seccomp-XXXXXX";
  if (!mkdtemp(dir)) return Throw(env, std::string("testSeccompFilter: mkdtemp: ") + strerror(errno));
  std::string tmp = std::string(dir) + "/probe";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) { rmdir(dir); return Throw(env, std::string("testSeccompFilter: pipe2: ") + strerror(errno)); }

  pid_t pid = fork();
  if (pid == 0) {
    ProbeReport r{0, 0, 0};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) r = {1, -1, errno};
    else if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) r = {2, -1, errno};
    else { errno = 0; r.ret = RunProbe(which, tmp.c_str()); r.err = r.ret < 0 ? errno : 0; }
    (void)!write(fds[1], &r, sizeof r);
    _exit(0);
  }
  int fork_errno = errno;
  close(fds[1]);
  ProbeReport r{-1, 0, 0};
  ssize_t got = -1;
  int status = 0;
  if (pid > 0) {
    do got = read(fds[0], &r, sizeof r); while (got < 0 && errno == EINTR);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  }
  close(fds[0]);
  rmdir(tmp.c_str());
  rmdir(dir);
  if (pid < 0) return Throw(env, std::string("testSeccompFilter: fork: ") + strerror(fork_errno));
  if (got == (ssize_t)sizeof r && r.stage == 1) return Throw(env, std::string("testSeccompFilter: prctl(PR_SET_NO_NEW_PRIVS): ") + strerror(r.err));
  if (got == (ssize_t)sizeof r && r.stage == 2) return Throw(env, std::string("testSeccompFilter: seccomp(SET_MODE_FILTER): ") + strerror(r.err));
  Napi::Object out = Napi::Object::New(env);
  bool reported = got == (ssize_t)sizeof r;
  // Killed by the filter (SCMP_ACT_KILL*, or TRAP's SIGSYS): no report, only the signal.
  out.Set("ret", reported ? Napi::Value(Napi::Number::New(env, (double)r.ret)) : env.Null());
  out.Set("errno", Napi::Number::New(env, reported ? r.err : 0));
  out.Set("signal", Napi::Number::New(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  return out;
}
