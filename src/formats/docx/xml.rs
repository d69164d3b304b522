//! Attribute helpers for WordprocessingML elements (namespace prefixes ignored).

use quick_xml::events::BytesStart;

/// An attribute by local name (`w:val` → `val`), unescaped.
pub(super) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.local_name().as_ref() == local {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            Some(match quick_xml::escape::unescape(&raw) {
                Ok(v) => v.into_owned(),
                Err(_) => raw,
            })
        } else {
            None
        }
    })
}

pub(super) fn attr_u32(e: &BytesStart<'_>, local: &[u8]) -> Option<u32> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}
