//! The `hologlyph` binary: parses the command line and hands off to the library.

/// mimalloc instead of the system allocator: reading a big library is mostly small
/// allocations, which glibc serves slowly and, from several threads, slower still.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Mesa's Vulkan drivers print "error: XDG_RUNTIME_DIR is invalid" when it is unset (as
    // under CI or cron), which reads like one of ours. Point it at the temp folder first.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        // SAFETY: no other thread exists yet, so nothing reads the environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir())
        };
    }
    hologlyph::cli::main()
}
