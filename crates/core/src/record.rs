//! The finding record: what the evaluator hands to the findings queue for every evaluation, and
//! what the publisher turns into a Security Hub finding without calling AWS Config again.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::ser::Error as _;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::asff::{ResourceDetails, Subject};
use crate::control::Control;
use crate::registry;
use crate::resource::ResourceType;
use crate::timestamp::Timestamp;
use crate::verdict::{Compliance, Verdict};

/// The record's format version; a reader refuses versions it does not know.
pub const RECORD_VERSION: u32 = 1;

/// How the evaluation was triggered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Change,
    Oversized,
    Periodic,
}

/// One evaluation, as the findings queue carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingRecord {
    pub version: u32,
    pub control_id: String,
    pub compliance: Compliance,
    pub annotation: String,
    pub resource_type: String,
    pub resource_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub account_id: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "crate::secrets::no_tags")]
    pub tags: Arc<BTreeMap<String, String>>,
    /// The finding's `Resources[].Details`, read from the item by the evaluator: the publisher
    /// has no item. Absent from records written before details existed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "details_written_once"
    )]
    pub details: Option<Arc<ResourceDetails>>,
    /// When the state judged was observed: the item's capture time, or the periodic run's time.
    pub observed_at: Timestamp,
    pub evaluated_at: Timestamp,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// The resource was deleted, is no longer recorded, left the rule's scope or was not found
    /// by a periodic run: its finding is archived rather than updated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archive: bool,
}

impl FindingRecord {
    pub fn new(
        control: &Control,
        subject: &Subject,
        verdict: &Verdict,
        observed_at: Timestamp,
        evaluated_at: Timestamp,
        origin: Origin,
    ) -> Self {
        FindingRecord {
            version: RECORD_VERSION,
            control_id: control.id.to_string(),
            compliance: verdict.compliance,
            annotation: verdict.annotation.clone(),
            resource_type: subject.resource_type.config_name().to_string(),
            resource_id: subject.resource_id.clone(),
            arn: subject.arn.clone(),
            account_id: subject.account_id.clone().unwrap_or_default(),
            region: subject.region.clone().unwrap_or_default(),
            tags: crate::secrets::withhold_tags(&subject.tags),
            details: subject.details.clone(),
            observed_at,
            evaluated_at,
            origin,
            rule_name: None,
            archive: false,
        }
    }

    /// The rule that made the evaluation.
    pub fn from_rule(mut self, rule_name: Option<&str>) -> Self {
        self.rule_name = rule_name.map(str::to_string);
        self
    }

    /// Marks the finding for archiving (see [`FindingRecord::archive`]).
    pub fn archived(mut self, archive: bool) -> Self {
        self.archive = archive;
        self
    }

    /// The control, subject and verdict the record describes, for building its finding.
    pub fn parts(&self) -> Result<(&'static Control, Subject, Verdict), String> {
        if self.version != RECORD_VERSION {
            return Err(format!(
                "record version {} is not {RECORD_VERSION}",
                self.version
            ));
        }
        let control = registry::find(&self.control_id)
            .ok_or_else(|| format!("unknown control {:?}", self.control_id))?;
        let subject = Subject {
            resource_type: ResourceType::from_config_name(&self.resource_type),
            resource_id: self.resource_id.clone(),
            arn: self.arn.clone(),
            account_id: Some(self.account_id.clone()).filter(|a| !a.is_empty()),
            region: Some(self.region.clone()).filter(|r| !r.is_empty()),
            capture_time: Some(self.observed_at),
            tags: Arc::clone(&self.tags),
            details: self.details.clone(),
        };
        let verdict = Verdict {
            compliance: self.compliance,
            annotation: self.annotation.clone(),
        };
        Ok((control, subject, verdict))
    }
}

/// Room for a record's member names, numbers, times and short fixed values.
const RECORD_FIXED_SIZE: usize = 512;

impl FindingRecord {
    /// The record as the JSON the findings queue carries, written into a buffer sized for it
    /// up front: most of a record is its item's details, and a growing buffer would copy them
    /// several times over.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = Vec::with_capacity(self.json_size()?);
        serde_json::to_writer(&mut json, self)?;
        String::from_utf8(json).map_err(|e| {
            serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        })
    }

    /// About the length of the record's JSON: its texts' lengths and room for the rest
    /// (escapes lengthen it, and then the buffer grows).
    fn json_size(&self) -> Result<usize, serde_json::Error> {
        let details = match &self.details {
            Some(details) => with_written_details(details, |json| json.get().len())?,
            None => 0,
        };
        let tags: usize = self.tags.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
        let texts = [
            &self.annotation,
            &self.resource_id,
            &self.account_id,
            &self.region,
        ]
        .iter()
        .map(|t| t.len())
        .sum::<usize>()
            + self.arn.as_ref().map_or(0, String::len)
            + self.rule_name.as_ref().map_or(0, String::len);
        Ok(RECORD_FIXED_SIZE + texts + tags + details)
    }
}

/// Writes an item's details once for all its records: every control judging the item writes a
/// record with the same (shared) details, and they are the largest part of it.
fn details_written_once<S: Serializer>(
    details: &Option<Arc<ResourceDetails>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match details {
        None => serializer.serialize_none(),
        Some(details) => with_written_details(details, |json| serializer.serialize_some(json))
            .map_err(S::Error::custom)?,
    }
}

/// Runs `use_json` on `details` as JSON. The last details written on this thread are kept, as
/// JSON, with the details they were written from.
fn with_written_details<R>(
    details: &Arc<ResourceDetails>,
    use_json: impl FnOnce(&RawValue) -> R,
) -> Result<R, serde_json::Error> {
    type Written = Option<(Arc<ResourceDetails>, Box<RawValue>)>;
    thread_local! {
        static LAST: RefCell<Written> = const { RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| {
        let json = match last {
            Some((written, json)) if Arc::ptr_eq(written, details) => json,
            _ => {
                let json = serde_json::value::to_raw_value(&**details)?;
                &last.insert((Arc::clone(details), json)).1
            }
        };
        Ok(use_json(json))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_json() {
        let control = registry::find("S3.2").unwrap();
        let subject = Subject {
            resource_type: ResourceType::S3Bucket,
            resource_id: "acme-logs".into(),
            arn: Some("arn:aws:s3:::acme-logs".into()),
            account_id: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            capture_time: None,
            tags: BTreeMap::from([("team".to_string(), "sre".to_string())]).into(),
            details: None,
        };
        let at = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let record = FindingRecord::new(
            control,
            &subject,
            &Verdict::non_compliant("ACL grants READ to AllUsers"),
            at,
            at,
            Origin::Change,
        );
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains(r#""compliance":"NON_COMPLIANT""#), "{json}");
        assert!(!json.contains("archive"), "{json}");
        let gone = record
            .clone()
            .archived(true)
            .from_rule(Some("ourside-S3-2"));
        let back: FindingRecord =
            serde_json::from_str(&serde_json::to_string(&gone).unwrap()).unwrap();
        assert!(back.archive && back.rule_name.as_deref() == Some("ourside-S3-2"));
        let back: FindingRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, record);
        let (c, s, v) = back.parts().unwrap();
        assert_eq!(
            (c.id, s.resource_id.as_str(), v.compliance),
            ("S3.2", "acme-logs", Compliance::NonCompliant)
        );
    }

    #[test]
    fn tag_values_that_look_like_credentials_are_withheld() {
        let subject = Subject {
            resource_type: ResourceType::S3Bucket,
            resource_id: "acme-logs".into(),
            arn: None,
            account_id: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            capture_time: None,
            tags: BTreeMap::from([
                ("team".to_string(), "sre".to_string()),
                ("deployer".to_string(), "AKIAIOSFODNN7EXAMPLE".to_string()),
            ])
            .into(),
            details: None,
        };
        let at = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let control = registry::find("S3.2").unwrap();
        let verdict = Verdict::non_compliant("public");
        let record = FindingRecord::new(control, &subject, &verdict, at, at, Origin::Change);
        assert_eq!(record.tags["team"], "sre");
        assert_eq!(
            record.tags["deployer"],
            "(withheld: value is an AWS access key id)"
        );
        let producer = crate::asff::Producer {
            default_region: None,
            now: at,
        };
        let finding = crate::asff::finding(control, &subject, &verdict, &producer).unwrap();
        assert_eq!(finding.resources[0].tags, record.tags);
    }

    #[test]
    fn each_record_carries_its_own_details_though_they_are_written_once() {
        let volume = |id: &str, encrypted: bool| {
            let item = crate::item::ConfigurationItem::parse(&format!(
                r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"{id}","awsAccountId":"111122223333",
                    "awsRegion":"eu-west-1","configurationItemStatus":"OK",
                    "configuration":{{"volumeId":"{id}","encrypted":{encrypted},"size":8}}}}"#
            ))
            .unwrap();
            Subject::of(&item)
        };
        let (first, second) = (volume("vol-1", true), volume("vol-2", false));
        let at = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let control = registry::find("EC2.3").unwrap();
        let verdict = Verdict::compliant("ok");
        let written = |subject: &Subject| {
            let record = FindingRecord::new(control, subject, &verdict, at, at, Origin::Change);
            let json: serde_json::Value = serde_json::to_value(&record).unwrap();
            let back: FindingRecord =
                serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
            assert_eq!(back, record);
            json["details"].clone()
        };
        let expected = |subject: &Subject| serde_json::to_value(&subject.details).unwrap();
        for subject in [&first, &first, &second, &first, &second] {
            assert_eq!(written(subject), expected(subject));
        }
        assert_ne!(expected(&first), expected(&second));
    }

    #[test]
    fn a_record_is_written_into_one_buffer_of_its_size() {
        let rules: Vec<String> = (0..40)
            .map(|i| format!(r#"{{"ipProtocol":"tcp","fromPort":{i},"toPort":{i},"ipRanges":["10.0.{i}.0/24"],"userIdGroupPairs":[],"ipv6Ranges":[],"prefixListIds":[]}}"#))
            .collect();
        let item = crate::item::ConfigurationItem::parse(&format!(
            r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","awsAccountId":"111122223333",
                "awsRegion":"eu-west-1","tags":{{"team":"sre","cost-centre":"0042"}},
                "configuration":{{"groupId":"sg-1","groupName":"web","vpcId":"vpc-1","description":"web tier",
                "ipPermissions":[{}],"ipPermissionsEgress":[]}}}}"#,
            rules.join(",")
        ))
        .unwrap();
        let subject = Subject::of(&item);
        assert!(subject.details.is_some());
        let at = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let control = registry::find("EC2.18").unwrap();
        for annotation in ["", "port 22 is open to 0.0.0.0/0 through ipPermissions[3]"] {
            let verdict = Verdict::non_compliant(annotation);
            let record = FindingRecord::new(control, &subject, &verdict, at, at, Origin::Change);
            let json = record.to_json().unwrap();
            assert_eq!(json, serde_json::to_string(&record).unwrap());
            assert!(json.len() > 3_000, "{}", json.len());
            // The buffer never grew: its capacity is still the size it was made with.
            assert_eq!(json.capacity(), record.json_size().unwrap());
        }
        let bare = FindingRecord::new(
            control,
            &Subject {
                details: None,
                ..subject.clone()
            },
            &Verdict::compliant("no rule opens a port to the world"),
            at,
            at,
            Origin::Change,
        );
        let json = bare.to_json().unwrap();
        assert_eq!(json, serde_json::to_string(&bare).unwrap());
        assert_eq!(json.capacity(), bare.json_size().unwrap());
        // Long identifiers and rule names are counted, not left to the fixed room.
        let mut long = bare.from_rule(Some(&"r".repeat(900)));
        long.resource_id = "i".repeat(1_500);
        long.arn = Some(format!(
            "arn:aws:ec2:eu-west-1:111122223333:{}",
            "a".repeat(1_500)
        ));
        let json = long.to_json().unwrap();
        assert_eq!(json, serde_json::to_string(&long).unwrap());
        assert_eq!(json.capacity(), long.json_size().unwrap());
    }

    #[test]
    fn details_travel_with_the_record_and_old_records_still_parse() {
        let item = crate::item::ConfigurationItem::parse(
            r#"{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","awsAccountId":"111122223333",
                "awsRegion":"eu-west-1","configuration":{"volumeId":"vol-1","encrypted":false,"size":8}}"#,
        )
        .unwrap();
        let subject = Subject::of(&item);
        assert!(subject.details.is_some());
        let at = Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let verdict = Verdict::non_compliant("not encrypted");
        let control = registry::find("EC2.3").unwrap();
        let record = FindingRecord::new(control, &subject, &verdict, at, at, Origin::Change);
        let json = serde_json::to_string(&record).unwrap();
        assert!(
            json.contains(
                r#""details":{"AwsEc2Volume":{"VolumeId":"vol-1","Size":8,"Encrypted":false}}"#
            ),
            "{json}"
        );
        let back: FindingRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back.parts().unwrap().1.details, subject.details);

        let without: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut old = without.as_object().unwrap().clone();
        old.remove("details");
        let old: FindingRecord = serde_json::from_value(old.into()).unwrap();
        assert_eq!(old.parts().unwrap().1.details, None);
    }
}
