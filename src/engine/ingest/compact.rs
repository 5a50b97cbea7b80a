//! Compact serde forms for the partial ingest results the workers send each
//! other (postcard). chrono writes dates as text, so every purchase was
//! formatted and parsed again on the way, which made encoding slow in the
//! browser; row hashes went as varints, longer than their eight raw bytes.
//! Here: numbers, and the hashes as raw bytes.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::de::{Error, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A timestamp as (seconds, nanoseconds) since 1970 (no time zone involved:
/// the wall time is kept as it is).
pub mod date_time {
    use super::*;

    pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        let utc = at.and_utc();
        (utc.timestamp(), utc.timestamp_subsec_nanos()).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDateTime, D::Error> {
        let (seconds, nanos) = <(i64, u32)>::deserialize(deserializer)?;
        DateTime::from_timestamp(seconds, nanos)
            .map(|at| at.naive_utc())
            .ok_or_else(|| D::Error::custom("timestamp out of range"))
    }
}

fn day_number(date: NaiveDate) -> i32 {
    date.to_epoch_days()
}

fn from_day_number<E: Error>(days: i32) -> Result<NaiveDate, E> {
    NaiveDate::from_epoch_days(days).ok_or_else(|| E::custom("date out of range"))
}

/// A month's (first day, revenue) with the day as a day number.
pub mod month_total {
    use super::*;

    pub fn serialize<S: Serializer>(
        (month, revenue): &(NaiveDate, f64),
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        (day_number(*month), revenue).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<(NaiveDate, f64), D::Error> {
        let (days, revenue) = <(i32, f64)>::deserialize(deserializer)?;
        Ok((from_day_number(days)?, revenue))
    }
}

/// A list of [`month_total`]s.
pub mod month_totals {
    use super::*;

    pub fn serialize<S: Serializer>(
        months: &[(NaiveDate, f64)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let numbers: Vec<(i32, f64)> = months.iter().map(|(m, r)| (day_number(*m), *r)).collect();
        numbers.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(NaiveDate, f64)>, D::Error> {
        <Vec<(i32, f64)>>::deserialize(deserializer)?
            .into_iter()
            .map(|(days, revenue)| Ok((from_day_number(days)?, revenue)))
            .collect()
    }
}

/// 64-bit hashes as their little-endian bytes, one block.
pub mod hashes {
    use super::*;

    pub fn serialize<S: Serializer>(hashes: &[u64], serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u64>, D::Error> {
        deserializer.deserialize_bytes(HashBytes)
    }

    struct HashBytes;

    impl Visitor<'_> for HashBytes {
        type Value = Vec<u64>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a multiple of 8 bytes")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<u64>, E> {
            if !bytes.len().is_multiple_of(8) {
                return Err(E::custom("hash bytes are not a multiple of 8"));
            }
            Ok(bytes
                .chunks_exact(8)
                .map(|chunk| {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(chunk);
                    u64::from_le_bytes(word)
                })
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "date_time")]
        at: NaiveDateTime,
        #[serde(with = "month_total")]
        month: (NaiveDate, f64),
        #[serde(with = "month_totals")]
        months: Vec<(NaiveDate, f64)>,
        #[serde(with = "hashes")]
        hashes: Vec<u64>,
    }

    #[test]
    fn round_trips_through_postcard_smaller_than_text() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let sample = Sample {
            at: day(1969, 12, 31)
                .and_hms_milli_opt(23, 59, 58, 250)
                .unwrap(),
            month: (day(2011, 12, 1), 1234.5),
            months: vec![(day(1900, 2, 1), -3.0), (day(2399, 12, 1), 0.1)],
            hashes: vec![0, u64::MAX, 0x0123_4567_89ab_cdef],
        };
        let bytes = postcard::to_allocvec(&sample).unwrap();
        assert_eq!(postcard::from_bytes::<Sample>(&bytes).unwrap(), sample);
        assert!(bytes.len() < 80, "{} bytes", bytes.len());
        let mut cut = bytes.clone();
        // The hashes' length prefix says 24 bytes; make it 23.
        let at = cut.len() - 25;
        cut[at] = 23;
        cut.pop();
        assert!(postcard::from_bytes::<Sample>(&cut).is_err());
    }
}
