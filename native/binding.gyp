{
  # lowrank's native addon over the system OpenBLAS (BLAS + LAPACK, Debian: libopenblas-dev).
  # Built by `npm install` (native/build.mjs runs node-gyp); a failed build is not an error:
  # lowrank then runs on its TypeScript tier. Set LOWRANK_OPENBLAS_LIB to link another library
  # name (default "openblas"), LOWRANK_OPENBLAS_LIBDIR to add a library search directory.
  "targets": [
    {
      "target_name": "lowrank_native",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": [
        "<!(node -p \"(process.env.LOWRANK_OPENBLAS_LIBDIR ? '-L' + process.env.LOWRANK_OPENBLAS_LIBDIR + ' ' : '') + '-l' + (process.env.LOWRANK_OPENBLAS_LIB || 'openblas')\")"
      ],
      "ldflags": ["-Wl,--as-needed"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "OTHER_LDFLAGS": ["-undefined", "error"]
          },
          "ldflags!": ["-Wl,--as-needed"]
        }]
      ]
    }
  ]
}
