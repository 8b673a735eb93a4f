//! PKCS#11 modules, loaded once per process.
//!
//! A module is initialised (`C_Initialize`) once per process and stays
//! loaded: two signers on one module share it, and unloading a module that
//! other code in the process may still use is never safe.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use ishare_jwt::{Error, Result};

/// The modules loaded so far (a few at most). A list, not a hash map: its
/// entries stay reachable from the start of its allocation, so leak
/// checkers (valgrind) see them as kept, not as possibly lost.
static MODULES: Mutex<Vec<(PathBuf, Pkcs11)>> = Mutex::new(Vec::new());

/// The environment variable naming the module when a URI has no
/// `module-path`.
pub const MODULE_ENV: &str = "ISHARE_PKCS11_MODULE";

/// The module at `path`, loaded and initialised (for threads: the module
/// may use the operating system's locks) on first use.
pub(crate) fn load(path: &Path) -> Result<Pkcs11> {
    let mut modules = MODULES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, module)) = modules.iter().find(|(loaded, _)| loaded == path) {
        return Ok(module.clone());
    }
    let module = Pkcs11::new(path).map_err(|e| {
        Error::KeyStore(format!(
            "the PKCS#11 module {} cannot be loaded: {e}",
            path.display()
        ))
    })?;
    match module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another library in this process initialised it first: share it.
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(Error::KeyStore(format!(
                "the PKCS#11 module {} failed to initialise: {e}",
                path.display()
            )));
        }
    }
    modules.push((path.to_path_buf(), module.clone()));
    Ok(module)
}

/// The module a URI names: `module-path`, else [`MODULE_ENV`].
pub(crate) fn path_for(module_path: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = module_path {
        return Ok(path.to_path_buf());
    }
    match std::env::var_os(MODULE_ENV) {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(Error::InvalidArgument(format!(
            "the PKCS#11 URI names no module: add ?module-path=/path/to/module.so (e.g. /usr/lib/softhsm/libsofthsm2.so) or set {MODULE_ENV}"
        ))),
    }
}
