//! Errors of the pure core. None of them carries a secret.

use core::fmt;

/// Why an SRP computation was refused. Each names the protocol field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SrpError {
    /// A required value (such as `SALT`) was empty.
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A public value is 0 mod N (`A` or `B`): continuing would make S predictable.
    IllegalPublicValue {
        /// `SRP_A` or `SRP_B`.
        field: &'static str,
    },
    /// A field that must be Base64 is not.
    InvalidBase64 {
        /// The field.
        field: &'static str,
    },
    /// A field that must be hex is not.
    InvalidHex {
        /// The field.
        field: &'static str,
    },
    /// A user-pool id without the `<region>_<name>` shape.
    InvalidPoolId,
    /// A number too large for its field.
    OutOfRange {
        /// The field.
        field: &'static str,
    },
    /// u = H(A | B) came out zero.
    ZeroScrambler,
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty { field } => write!(f, "{field} is empty"),
            Self::IllegalPublicValue { field } => write!(f, "{field} is 0 mod N"),
            Self::InvalidBase64 { field } => write!(f, "{field} is not valid Base64"),
            Self::InvalidHex { field } => write!(f, "{field} is not valid hex"),
            Self::InvalidPoolId => f.write_str("the user pool id is not of the form <region>_<name>"),
            Self::OutOfRange { field } => write!(f, "{field} is out of range"),
            Self::ZeroScrambler => f.write_str("the SRP scrambler u is zero"),
        }
    }
}

impl core::error::Error for SrpError {}
