pub(crate) mod header;

pub use self::header::Header;
