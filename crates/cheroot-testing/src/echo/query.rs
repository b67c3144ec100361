//! The echo app's numeric query parameters (`n`, `size`, `bytes`, `ms`): parsing and bounds.

/// One numeric parameter: its name, default and largest allowed value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param {
    pub(crate) name: &'static str,
    pub(crate) default: u64,
    pub(crate) max: u64,
}

/// A parameter that is not a decimal integer within its bounds: answered 400 with this text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadParam(pub(crate) String);

/// The value of `param` in the raw query string `query` (`a=1&b=2`): its default when absent,
/// the last value when repeated. Values are plain decimal digits (no sign, no
/// percent-encoding).
pub(crate) fn get(query: &str, param: Param) -> Result<u64, BadParam> {
    let raw = query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(key, _)| *key == param.name)
        .map(|(_, value)| value)
        .next_back();
    let Some(raw) = raw else {
        return Ok(param.default);
    };
    let ok = !raw.is_empty() && raw.len() <= 20 && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<u64>() {
        Ok(value) if ok && value <= param.max => Ok(value),
        _ => Err(BadParam(format!(
            "Bad query parameter {}={:?}: expected an integer from 0 to {}.",
            param.name, raw, param.max
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: Param = Param {
        name: "n",
        default: 10,
        max: 100,
    };

    #[test]
    fn reads_parameters() {
        let table: &[(&str, Result<u64, &str>)] = &[
            ("", Ok(10)),
            ("size=5", Ok(10)),
            ("n=3", Ok(3)),
            ("n=0", Ok(0)),
            ("n=100", Ok(100)),
            ("size=1&n=7", Ok(7)),
            ("n=1&n=2", Ok(2)),
            ("nn=4", Ok(10)),
            (
                "n=101",
                Err("Bad query parameter n=\"101\": expected an integer from 0 to 100."),
            ),
            ("n=", Err("Bad query parameter n=\"\"")),
            ("n", Err("Bad query parameter n=\"\"")),
            ("n=-1", Err("n=\"-1\"")),
            ("n=+1", Err("n=\"+1\"")),
            ("n=1x", Err("n=\"1x\"")),
            ("n=%31", Err("n=\"%31\"")),
            (
                "n=99999999999999999999999",
                Err("n=\"99999999999999999999999\""),
            ),
        ];
        for (query, want) in table {
            match (get(query, N), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{query:?}"),
                (Err(BadParam(got)), Err(want)) => assert!(
                    got.starts_with(want) || got.contains(want),
                    "{query:?}: {got}"
                ),
                (got, want) => panic!("{query:?}: got {got:?}, want {want:?}"),
            }
        }
    }
}
