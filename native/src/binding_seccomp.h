// binding_seccomp.h - the seccomp exports the module init registers: compileSeccomp, testSeccompFilter.
#ifndef GB_BINDING_SECCOMP_H
#define GB_BINDING_SECCOMP_H
#include <napi.h>

// compileSeccomp(profile: OciSeccomp): Buffer  — the BPF program (struct sock_filter[]).
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info);
// testSeccompFilter(bpf: Buffer, syscallName: string): { ret, errno, signal }  — for tests only.
Napi::Value TestSeccompFilter(const Napi::CallbackInfo& info);

#endif
