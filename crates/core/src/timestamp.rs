//! Timestamps as AWS Config and its tooling write them.
//!
//! Seen in real data: RFC 3339 with 1 to 9 fraction digits (`1970-01-01T00:00:00.0Z`), offsets
//! with or without a colon (`+0000`), epoch seconds as floats (`1414708529.9219999`, AWS CLI v1),
//! epoch milliseconds (DynamoDB), and recorded SDK responses that spell a datetime as an object
//! (`{"__class__":"datetime","year":2016,…}`).

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A point in time, always normalised to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp(OffsetDateTime::UNIX_EPOCH);

    /// The current time (the only place the clock is read; evaluation gets it through `Context`).
    pub fn now() -> Self {
        Timestamp(OffsetDateTime::now_utc())
    }

    /// Parses an RFC 3339 timestamp, a date (`2026-12-31`, meaning its start in UTC), or epoch
    /// seconds/milliseconds written as a number.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(seconds) = text.parse::<f64>() {
            return Self::from_epoch(seconds);
        }
        if let Some(date) = parse_date(text) {
            return Some(Timestamp(date.midnight().assume_utc()));
        }
        let normalised = normalise_rfc3339(text);
        OffsetDateTime::parse(&normalised, &Rfc3339)
            .ok()
            .map(|t| Timestamp(t.to_offset(UtcOffset::UTC)))
    }

    /// Epoch seconds, or milliseconds when the value is too large to be seconds (after year 5138).
    pub fn from_epoch(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        let seconds = if value.abs() >= 1e11 {
            value / 1000.0
        } else {
            value
        };
        let nanos = (seconds * 1e9).round() as i128;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(Timestamp)
    }

    /// RFC 3339 with millisecond precision and a `Z`, the form Security Hub and Config expect.
    pub fn to_rfc3339(self) -> String {
        let t = self.0;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// The calendar date, `YYYY-MM-DD`.
    pub fn date_string(self) -> String {
        let t = self.0;
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Timestamp) -> i64 {
        (later.0 - self.0).whole_days()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = text[..4].parse().ok()?;
    let month = Month::try_from(text[5..7].parse::<u8>().ok()?).ok()?;
    let day = text[8..].parse().ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Accepts a space instead of `T`, a missing zone (UTC) and `+HHMM` offsets.
fn normalise_rfc3339(text: &str) -> String {
    let mut s = text.replacen(' ', "T", 1);
    let zone_start = s
        .get(19..)
        .and_then(|tail| tail.find(['Z', 'z', '+', '-']).map(|i| i + 19));
    match zone_start {
        None => s.push('Z'),
        Some(i) => {
            // `+HHMM` / `-HHMM` (ASCII digits only, so the insertion point is a char boundary).
            let zone = s.as_bytes().get(i..).unwrap_or_default();
            if zone.len() == 5
                && matches!(zone[0], b'+' | b'-')
                && zone[1..].iter().all(u8::is_ascii_digit)
            {
                s.insert(i + 3, ':');
            }
        }
    }
    s
}

fn from_datetime_object(
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    micro: u32,
) -> Option<Timestamp> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = Time::from_hms_micro(hour, minute, second, micro).ok()?;
    Some(Timestamp(PrimitiveDateTime::new(date, time).assume_utc()))
}

/// Deserialises to `None` for `null` and `""`; anything else must be a recognisable time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MaybeTimestamp(pub Option<Timestamp>);

impl<'de> Deserialize<'de> for MaybeTimestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        MaybeTimestamp::deserialize(deserializer)?
            .0
            .ok_or_else(|| de::Error::custom("expected a timestamp, found an empty value"))
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = MaybeTimestamp;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 timestamp or epoch seconds")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<MaybeTimestamp, E> {
        if v.trim().is_empty() {
            return Ok(MaybeTimestamp(None));
        }
        Timestamp::parse(v)
            .map(|t| MaybeTimestamp(Some(t)))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<MaybeTimestamp, E> {
        Timestamp::from_epoch(v)
            .map(|t| MaybeTimestamp(Some(t)))
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<MaybeTimestamp, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<MaybeTimestamp, E> {
        self.visit_f64(v as f64)
    }

    fn visit_unit<E: de::Error>(self) -> Result<MaybeTimestamp, E> {
        Ok(MaybeTimestamp(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<MaybeTimestamp, E> {
        Ok(MaybeTimestamp(None))
    }

    /// `{"__class__": "datetime", "year": 2016, "month": 12, …}` from recorded SDK responses.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaybeTimestamp, A::Error> {
        let (mut year, mut month, mut day) = (None, None, None);
        let (mut hour, mut minute, mut second, mut micro) = (0u8, 0u8, 0u8, 0u32);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "year" => year = Some(map.next_value::<i32>()?),
                "month" => month = Some(map.next_value::<u8>()?),
                "day" => day = Some(map.next_value::<u8>()?),
                "hour" => hour = map.next_value()?,
                "minute" => minute = map.next_value()?,
                "second" => second = map.next_value()?,
                "microsecond" => micro = map.next_value()?,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) => {
                from_datetime_object(y, m, d, hour, minute, second, micro)
                    .map(|t| MaybeTimestamp(Some(t)))
                    .ok_or_else(|| de::Error::custom("datetime object does not name a valid date"))
            }
            _ => Err(de::Error::custom(
                "expected a timestamp; an object must carry year, month and day",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_str;

    fn ts(text: &str) -> String {
        parse_str::<Timestamp>(text).unwrap().to_rfc3339()
    }

    #[test]
    fn parses_every_shape_seen_in_config_data() {
        assert_eq!(
            ts("\"2018-02-11T14:35:00.150Z\""),
            "2018-02-11T14:35:00.150Z"
        );
        assert_eq!(ts("\"1970-01-01T00:00:00.0Z\""), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            ts("\"2017-02-04T06:10:33.880000-05:00\""),
            "2017-02-04T11:10:33.880Z"
        );
        assert_eq!(
            ts("\"2014-02-27T21:43:53.0885+0000\""),
            "2014-02-27T21:43:53.088Z"
        );
        assert_eq!(ts("\"2017-02-04T06:06:27\""), "2017-02-04T06:06:27.000Z");
        assert_eq!(ts("1414708529.9219999"), "2014-10-30T22:35:29.921Z");
        assert_eq!(ts("1556125437000"), "2019-04-24T17:03:57.000Z");
        assert_eq!(
            ts(
                r#"{"hour": 6, "__class__": "datetime", "month": 12, "second": 3, "microsecond": 800000, "year": 2016, "day": 11, "minute": 4}"#
            ),
            "2016-12-11T06:04:03.800Z"
        );
        assert_eq!(ts("\"2026-12-31\""), "2026-12-31T00:00:00.000Z");
    }

    #[test]
    fn non_ascii_never_panics() {
        for text in [
            "2026-01-01T00:00:00+a€",
            "2026-01-01T00:00:00-x€",
            "2026-01-01T00:00:00€€",
            "€",
            "2026-01-0€",
        ] {
            assert_eq!(Timestamp::parse(text), None, "{text}");
        }
    }

    #[test]
    fn empty_is_absent_and_garbage_is_an_error() {
        assert_eq!(parse_str::<MaybeTimestamp>("\"\"").unwrap().0, None);
        assert_eq!(parse_str::<MaybeTimestamp>("null").unwrap().0, None);
        let err = parse_str::<MaybeTimestamp>("\"yesterday\"").unwrap_err();
        assert!(err.message.contains("RFC 3339"), "{err}");
    }
}
