//! The alerter end to end against the local emulator (moto's server mode) with the real SDK
//! clients: an SNS topic with two SQS subscriptions, one of them filtered to CRITICAL and HIGH
//! alerts as a pager would be, and what each receives; the idempotency ledger in a DynamoDB
//! table, so a batch handled twice or a replayed message reaches subscribers once.

use std::time::Duration;

use aws_config::SdkConfig;
use ourside_alerter::{handle, policy_from, retention_from, Alerted, Ledger, Run};
use ourside_aws::deliver::Retry;
use ourside_aws::emulator::{
    create_ledger_table, create_topic, receive_all, Moto, ACCOUNT_ID, REGION,
};
use ourside_aws::ledger::DynamoLedger;
use ourside_aws::ports::{AlertLedger, Claim, ClaimTerms};
use ourside_aws::sns::SnsTopic;
use ourside_core::alert::AlertPolicy;
use ourside_core::Timestamp;
use ourside_lambda::events::{sqs_event, ComplianceChange, Rule};
use serde_json::Value;

struct Emulated {
    _moto: Moto,
    sdk: SdkConfig,
    topic: SnsTopic,
    ledger: Ledger<DynamoLedger>,
    /// Every alert, raw delivery off: the SNS envelope with subject and attributes.
    everything: String,
    /// Only CRITICAL and HIGH, by filter policy on the `severity` attribute.
    pager: String,
}

impl Emulated {
    async fn start() -> Emulated {
        let moto = Moto::start().expect("the emulator starts");
        let sdk = moto.settings().sdk_config();
        let topic_arn = create_topic(&sdk, "ourside-alerts").await;
        let everything = subscribed_queue(&sdk, &topic_arn, "everything", None).await;
        let pager = subscribed_queue(
            &sdk,
            &topic_arn,
            "pager",
            Some(r#"{"severity":["CRITICAL","HIGH"]}"#),
        )
        .await;
        create_ledger_table(&sdk, "ourside-alert-ledger").await;
        Emulated {
            topic: SnsTopic::new(&sdk, topic_arn),
            ledger: Ledger {
                store: DynamoLedger::new(&sdk, "ourside-alert-ledger"),
                retention: retention_from(|_| None).unwrap(),
            },
            _moto: moto,
            sdk,
            everything,
            pager,
        }
    }

    async fn alert(&self, changes: &[ComplianceChange<'_>], policy: &AlertPolicy) -> Alerted {
        let messages: Vec<(String, String)> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("m{i}"), c.event()))
            .collect();
        self.deliver(&messages, policy).await
    }

    /// One delivery of these (message id, body) pairs.
    async fn deliver(&self, messages: &[(String, String)], policy: &AlertPolicy) -> Alerted {
        let run = Run {
            now: Timestamp::parse("2026-06-01T10:00:10Z").unwrap(),
            retry: Retry {
                attempts: 3,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
                deadline: None,
            },
        };
        Box::pin(handle(
            &sqs_event(messages),
            &self.topic,
            &self.ledger,
            policy,
            run,
        ))
        .await
        .unwrap()
    }

    /// The SNS envelopes a subscription received.
    async fn received(&self, queue_url: &str) -> Vec<Value> {
        receive_all(&self.sdk, queue_url)
            .await
            .into_iter()
            .map(|(_, body)| serde_json::from_str(&body).unwrap())
            .collect()
    }
}

async fn subscribed_queue(
    sdk: &SdkConfig,
    topic_arn: &str,
    name: &str,
    filter_policy: Option<&str>,
) -> String {
    let url = ourside_aws::emulator::create_queue(sdk, name).await;
    let arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}");
    let mut subscribe = aws_sdk_sns::Client::new(sdk)
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("sqs")
        .endpoint(arn);
    if let Some(policy) = filter_policy {
        subscribe = subscribe.attributes("FilterPolicy", policy);
    }
    subscribe.send().await.unwrap();
    url
}

const RULE_S3_2: Rule<'static> = Rule {
    name: "ourside-S3-2",
    account_id: ACCOUNT_ID,
    region: REGION,
};
const RULE_S3_5: Rule<'static> = Rule {
    name: "ourside-S3-5",
    ..RULE_S3_2
};

fn change<'a>(
    rule: Rule<'a>,
    bucket: &'a str,
    old: Option<&'a str>,
    new: &'a str,
) -> ComplianceChange<'a> {
    ComplianceChange {
        rule,
        resource_type: "AWS::S3::Bucket",
        resource_id: bucket,
        old,
        new,
        annotation: "the bucket policy lets anyone read (statement PublicRead)",
        at: "2026-06-01T10:00:00.000Z",
    }
}

fn attribute<'a>(envelope: &'a Value, name: &str) -> &'a str {
    envelope["MessageAttributes"][name]["Value"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn subscribers_get_what_their_filters_ask_for() {
    let moto = Emulated::start().await;
    let policy = policy_from(|_| None).unwrap();
    let alerted = moto
        .alert(
            &[
                // CRITICAL, first evaluation: everyone.
                change(RULE_S3_2, "acme-logs", None, "NON_COMPLIANT"),
                // MEDIUM: not the pager.
                change(RULE_S3_5, "acme-data", Some("COMPLIANT"), "NON_COMPLIANT"),
                // Unchanged: nobody.
                change(
                    RULE_S3_2,
                    "acme-old",
                    Some("NON_COMPLIANT"),
                    "NON_COMPLIANT",
                ),
                // Deleted: nobody.
                change(
                    RULE_S3_2,
                    "acme-gone",
                    Some("NON_COMPLIANT"),
                    "NOT_APPLICABLE",
                ),
            ],
            &policy,
        )
        .await;
    assert!(alerted.response.batch_item_failures.is_empty());
    assert_eq!((alerted.published.len(), alerted.quiet), (2, 2));

    let everything = moto.received(&moto.everything).await;
    assert_eq!(everything.len(), 2);
    let pager = moto.received(&moto.pager).await;
    assert_eq!(pager.len(), 1);
    let critical = &pager[0];
    assert_eq!(
        critical["Subject"],
        format!("[ourside] CRITICAL S3.2 non-compliant: acme-logs in {ACCOUNT_ID}/{REGION}")
    );
    for envelope in &everything {
        let subject = envelope["Subject"].as_str().unwrap();
        assert!(subject.len() <= 100 && subject.is_ascii() && !subject.contains('\n'));
    }
    assert_eq!(attribute(critical, "severity"), "CRITICAL");
    assert_eq!(attribute(critical, "control"), "S3.2");
    assert_eq!(attribute(critical, "owner"), "Platform");
    assert_eq!(attribute(critical, "account"), ACCOUNT_ID);
    assert_eq!(attribute(critical, "region"), REGION);
    assert_eq!(attribute(critical, "transition"), "BECAME_NON_COMPLIANT");
    // MessageStructure=json: a queue subscriber gets the JSON document, not the text.
    let document: Value = serde_json::from_str(critical["Message"].as_str().unwrap()).unwrap();
    assert_eq!(document["kind"], "alert");
    assert_eq!(document["resource"]["id"], "acme-logs");
    assert_eq!(
        document["annotation"],
        "the bucket policy lets anyone read (statement PublicRead)"
    );
    assert!(document["links"]["finding"]
        .as_str()
        .unwrap()
        .contains("securityhub"));
}

#[tokio::test]
async fn a_repeated_non_compliant_state_sends_nothing() {
    let moto = Emulated::start().await;
    let policy = policy_from(|_| None).unwrap();
    let alerted = moto
        .alert(
            &[change(
                RULE_S3_2,
                "acme-logs",
                Some("NON_COMPLIANT"),
                "NON_COMPLIANT",
            )],
            &policy,
        )
        .await;
    assert!(alerted.published.is_empty());
    assert!(moto.received(&moto.everything).await.is_empty());
    assert!(moto.received(&moto.pager).await.is_empty());
}

#[tokio::test]
async fn a_storm_becomes_one_digest() {
    let moto = Emulated::start().await;
    let policy = policy_from(|name| (name == "DIGEST_THRESHOLD").then(|| "5".to_string())).unwrap();
    let names: Vec<String> = (0..60).map(|i| format!("bucket-{i:02}")).collect();
    let changes: Vec<ComplianceChange> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let rule = if i % 3 == 0 { RULE_S3_2 } else { RULE_S3_5 };
            change(rule, name, Some("COMPLIANT"), "NON_COMPLIANT")
        })
        .collect();
    let alerted = moto.alert(&changes, &policy).await;
    assert_eq!(alerted.published.len(), 1);
    assert!(alerted.response.batch_item_failures.is_empty());

    let everything = moto.received(&moto.everything).await;
    assert_eq!(everything.len(), 1, "one digest, not 60 alerts");
    let digest = &everything[0];
    assert_eq!(
        digest["Subject"],
        format!("[ourside] 60 resources became non-compliant in {ACCOUNT_ID}/{REGION} (20 CRITICAL, 40 MEDIUM)")
    );
    assert_eq!(attribute(digest, "transition"), "DIGEST");
    assert_eq!(
        digest["MessageAttributes"]["severity"]["Type"],
        "String.Array"
    );
    // It holds a CRITICAL item, so the pager's filter lets it through.
    assert_eq!(moto.received(&moto.pager).await.len(), 1);
    let document: Value = serde_json::from_str(digest["Message"].as_str().unwrap()).unwrap();
    assert_eq!(document["becameNonCompliant"], 60);
    assert_eq!(document["byControl"]["S3.2"], 20);
    assert_eq!(document["worst"].as_array().unwrap().len(), 20);
    assert_eq!(document["worst"][0]["severity"], "CRITICAL");
}

#[tokio::test]
async fn a_batch_handled_twice_and_a_replay_reach_subscribers_once() {
    let moto = Emulated::start().await;
    let policy = policy_from(|_| None).unwrap();
    let batch: Vec<(String, String)> = [
        change(RULE_S3_2, "acme-logs", None, "NON_COMPLIANT"),
        change(RULE_S3_5, "acme-data", Some("COMPLIANT"), "NON_COMPLIANT"),
    ]
    .iter()
    .enumerate()
    .map(|(i, c)| (format!("m{i}"), c.event()))
    .collect();
    let first = moto.deliver(&batch, &policy).await;
    assert_eq!(first.published.len(), 2);
    let again = moto.deliver(&batch, &policy).await;
    assert!(again.published.is_empty());
    assert!(again.response.batch_item_failures.is_empty());
    assert_eq!(again.already_published, vec!["m0", "m1"]);
    // Replayed from the dead-letter queue: a new message id, the same event.
    let replay = moto
        .deliver(&[("replayed".to_string(), batch[0].1.clone())], &policy)
        .await;
    assert!(replay.published.is_empty());
    assert_eq!(replay.already_published, vec!["replayed"]);

    let everything = moto.received(&moto.everything).await;
    let mut subjects: Vec<&str> = everything
        .iter()
        .map(|e| e["Subject"].as_str().unwrap())
        .collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        vec![
            format!("[ourside] CRITICAL S3.2 non-compliant: acme-logs in {ACCOUNT_ID}/{REGION}"),
            format!("[ourside] MEDIUM S3.5 non-compliant: acme-data in {ACCOUNT_ID}/{REGION}"),
        ],
        "one message per alert"
    );
    assert_eq!(moto.received(&moto.pager).await.len(), 1);
}

#[tokio::test]
async fn the_table_keeps_claims_as_the_protocol_says() {
    let moto = Emulated::start().await;
    let ledger = &moto.ledger.store;
    let terms = |owner: &str, now_ms: u64| ClaimTerms {
        owner: owner.to_string(),
        now_ms,
        until_ms: now_ms + 30_000,
        expires_at: now_ms / 1000 + 3600,
    };
    let now = 1_780_000_000_000;
    assert_eq!(ledger.claim("k1", &terms("a", now)).await, Ok(Claim::Taken));
    assert_eq!(
        ledger.claim("k1", &terms("b", now + 1_000)).await,
        Ok(Claim::InProgress {
            until_ms: now + 30_000
        })
    );
    // Past a's deadline, b takes it over; a may then neither complete nor release it.
    assert_eq!(
        ledger.claim("k1", &terms("b", now + 31_000)).await,
        Ok(Claim::Taken)
    );
    let refused = ledger.complete("k1", "a", Some("x"), 0).await.unwrap_err();
    assert!(refused.is("ConditionalCheckFailedException"), "{refused}");
    assert!(!refused.retryable);
    assert!(ledger.release("k1", "a").await.is_err());
    ledger
        .complete("k1", "b", Some("sns-1"), now / 1000 + 3600)
        .await
        .unwrap();
    assert_eq!(
        ledger.claim("k1", &terms("c", now + 60_000)).await,
        Ok(Claim::Published {
            message_id: Some("sns-1".into())
        })
    );
    // Released, a claim can be taken again at once; forgotten (past its time-to-live) too.
    assert_eq!(ledger.claim("k2", &terms("a", now)).await, Ok(Claim::Taken));
    ledger.release("k2", "a").await.unwrap();
    assert_eq!(ledger.claim("k2", &terms("b", now)).await, Ok(Claim::Taken));
    assert_eq!(
        ledger.claim("k1", &terms("d", now + 3_601_000)).await,
        Ok(Claim::Taken)
    );
}
