{
  "targets": [
    {
      "target_name": "glassbox",
      "sources": [
        "src/binding.cc", "src/binding_seccomp.cc",
        "src/spawn.c", "src/mounts.c", "src/namespaces.c", "src/caps.c",
        "src/process.c", "src/files.c", "src/pty.c", "src/idmap.c", "src/seccomp.c",
        "src/binding_watch.cc", "src/audit.c", "src/files-xattr.c", "src/uts.c"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2", "-fno-strict-aliasing"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lseccomp"]
    }
  ]
}
