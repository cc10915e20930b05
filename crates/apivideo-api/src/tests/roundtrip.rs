//! Every JSON model survives serialize → deserialize → serialize unchanged.

use proptest::prelude::*;

use crate::models::{self, arbitrary};

fn roundtrip<T>(value: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let first = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_str(&first)
        .map_err(|e| TestCaseError::fail(format!("{e} while reading {first}")))?;
    prop_assert_eq!(&back, value, "value changed through {}", first);
    // Equality of date-times ignores the offset; the text does not.
    let second = serde_json::to_string(&back).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(second, first);
    Ok(())
}

macro_rules! roundtrip_tests {
    ($($model:ident => $strategy:ident),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            $(
                #[test]
                fn $strategy(value in arbitrary::$strategy()) {
                    let value: models::$model = value;
                    roundtrip(&value)?;
                }
            )*
        }
    };
}

models::for_each_json_model!(roundtrip_tests);
