//! A strict reader of `multipart/form-data` bodies, to check what uploads send.

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The form field name (`Content-Disposition: form-data; name="..."`).
    pub name: String,
    /// The `filename` of a file part.
    pub file_name: Option<String>,
    /// The part's own `Content-Type`, when it has one.
    pub content_type: Option<String>,
    /// The part's bytes, untouched.
    pub data: Vec<u8>,
}

/// Splits a body into its parts, for the boundary its `content_type`
/// (`multipart/form-data; boundary=...`) announces. The error says what is not
/// well-formed: a missing boundary, framing, part headers.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .ok_or_else(|| format!("not multipart/form-data: {content_type}"))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut sections = split(body, delimiter.as_bytes());
    if !sections.first().is_some_and(|s| s.is_empty()) {
        return Err("the body does not start with the boundary".to_owned());
    }
    sections.remove(0);
    let last = sections.pop().ok_or("no closing boundary")?;
    if last != b"--\r\n" && last != b"--" {
        return Err(format!(
            "the body ends with {:?}, not the closing boundary",
            String::from_utf8_lossy(last)
        ));
    }
    sections.into_iter().map(part).collect()
}

/// The parts of a recorded request's body. Panics when the body is not well-formed
/// multipart for the boundary its `Content-Type` announces.
pub fn multipart_parts(request: &wiremock::Request) -> Vec<FormPart> {
    let content_type = crate::header(request, "content-type").expect("a Content-Type header");
    parse(content_type, &request.body).unwrap_or_else(|e| panic!("malformed multipart: {e}"))
}

fn part(section: &[u8]) -> Result<FormPart, String> {
    let section = section
        .strip_prefix(b"\r\n")
        .and_then(|s| s.strip_suffix(b"\r\n"))
        .ok_or("a part not framed by CRLF")?;
    let at = find(section, b"\r\n\r\n").ok_or("part headers without an empty line after them")?;
    let head = std::str::from_utf8(&section[..at]).map_err(|_| "part headers not UTF-8")?;
    let mut part = FormPart {
        name: String::new(),
        file_name: None,
        content_type: None,
        data: section[at + 4..].to_vec(),
    };
    for line in head.split("\r\n") {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("not a header line: {line:?}"))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                for param in value.split(';').map(str::trim) {
                    if let Some(v) = param.strip_prefix("name=") {
                        part.name = v.trim_matches('"').to_owned();
                    } else if let Some(v) = param.strip_prefix("filename=") {
                        part.file_name = Some(v.trim_matches('"').to_owned());
                    }
                }
            }
            "content-type" => part.content_type = Some(value.trim().to_owned()),
            other => return Err(format!("unexpected part header {other}")),
        }
    }
    Ok(part)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut haystack: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(haystack, needle) {
        out.push(&haystack[..at]);
        haystack = &haystack[at + needle.len()..];
    }
    out.push(haystack);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn fields_and_files_are_read_with_their_bytes() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"videoId\"\r\n\r\nvi1\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\
Content-Type: video/mp4\r\n\r\n\x00\xff\r\n--XyZ--\r\n";
        let parts = parse(TYPE, body).expect("well-formed");
        assert_eq!(
            parts,
            [
                FormPart {
                    name: "videoId".into(),
                    file_name: None,
                    content_type: None,
                    data: b"vi1".to_vec(),
                },
                FormPart {
                    name: "file".into(),
                    file_name: Some("a.mp4".into()),
                    content_type: Some("video/mp4".into()),
                    data: b"\x00\xff".to_vec(),
                },
            ]
        );
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let cases: [(&str, &[u8], &str); 5] = [
            ("text/plain", b"", "not multipart/form-data"),
            (TYPE, b"junk--XyZ--", "does not start with the boundary"),
            (
                TYPE,
                b"--XyZ\r\n\r\n\r\nx\r\n--XyZ",
                "not the closing boundary",
            ),
            (TYPE, b"--XyZ\r\nx--XyZ--", "not framed by CRLF"),
            (
                TYPE,
                b"--XyZ\r\nX-Other: 1\r\n\r\nx\r\n--XyZ--",
                "unexpected part header x-other",
            ),
        ];
        for (content_type, body, expected) in cases {
            let error = parse(content_type, body).expect_err(expected);
            assert!(error.contains(expected), "{error} (wanted {expected})");
        }
    }
}
