// binding_watch.h - the live views' exports the module init registers: auditStart/auditStop, syscallName, lgetxattr, utsHostname.
#ifndef GB_BINDING_WATCH_H
#define GB_BINDING_WATCH_H
#include <napi.h>

// auditStart(cb: (records: string[], lost: boolean) => void): void — one listener per process; throws a native error.
Napi::Value AuditStart(const Napi::CallbackInfo& info);
// auditStop(): void — idempotent.
Napi::Value AuditStop(const Napi::CallbackInfo& info);
// syscallName(nr: number, auditArch?: number): string | null
Napi::Value SyscallName(const Napi::CallbackInfo& info);
// lgetxattr(path: string, name: string): Buffer | null  — null when the attribute is absent (ENODATA).
Napi::Value Lgetxattr(const Napi::CallbackInfo& info);
// utsHostname(pid: number): string
Napi::Value UtsHostname(const Napi::CallbackInfo& info);

#endif
