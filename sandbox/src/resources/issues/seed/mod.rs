//! The bulk issues of each seeded space, generated, one file per space. Variety comes from
//! small modular formulas over the issue number, so the same ids always carry the same
//! data, which tests rely on.

mod acme;
mod demo;

pub use self::acme::acme;
pub use self::demo::demo;
use crate::time::Date;

fn day(text: &str) -> Date {
    Date::parse(text).expect("seed dates are valid")
}
