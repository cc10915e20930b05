//! How the examples print a failure: the message, then each cause once, on its own line.
//!
//! `main` prints the `Debug` form of the error it returns, which for most errors is a
//! structure dump; `Report`'s `Debug` is the readable chain instead, the way `anyhow`
//! does it. Your program may use `anyhow` or `eyre` for the same result.

use std::error::Error;
use std::fmt;

/// Any error, printed as its message and its chain of causes.
pub struct Report(Box<dyn Error>);

impl Report {
    /// A failure with only a message (a missing argument, say).
    #[allow(dead_code)] // not every example has such failures
    pub fn msg(text: impl Into<String>) -> Self {
        Self(text.into().into())
    }
}

impl Report {
    /// An error already boxed (a boxed error is not itself an `Error`).
    #[allow(dead_code)] // not every example holds boxed errors
    pub fn boxed(error: Box<dyn Error + Send + Sync>) -> Self {
        Self(error)
    }
}

impl<E: Error + 'static> From<E> for Report {
    fn from(error: E) -> Self {
        Self(Box::new(error))
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(inner) = cause {
            write!(f, "\n  caused by: {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}
