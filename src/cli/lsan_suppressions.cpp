// LeakSanitizer suppressions compiled into `keybot` (read by the sanitizer runtime at start-up in the sanitize
// and fuzz builds; an unused function otherwise). fontconfig, which cairo's text drawing loads for the plots
// of `keybot compare`, keeps its parsed configuration and font patterns for the life of the process by design:
// that is not a leak of ours, and freeing it (FcFini) while cairo's font caches still refer to it is unsafe.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
