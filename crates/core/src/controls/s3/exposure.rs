//! Public exposure of a bucket, net of Block Public Access, shared by S3.2 and S3.3.
//!
//! S3's own definition ("The meaning of public"): an ACL is public when it grants anything to
//! `AllUsers` or `AuthenticatedUsers`; a policy is public unless every statement that grants
//! to everyone is pinned by a condition to fixed values of a restricting key. Block Public
//! Access then takes effect at bucket or account level, the most restrictive winning:
//! `IgnorePublicAcls` voids public ACL grants and `RestrictPublicBuckets` voids public policy
//! statements (the `Block…` switches only refuse new ones, so existing grants still count).

use crate::control::Context;
use crate::json::InputError;
use crate::policy::{wildcard_match, Statement};
use crate::resource::s3::{Bucket, Permission, PublicAccessBlock};
use crate::resource::{section, Resource};
use crate::verdict::{Outcome, Verdict};

/// Condition keys whose fixed values make a statement non-public, as S3 defines it.
pub const RESTRICTING_KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:userid",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
];

/// Which kind of access is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn acl_permissions(self) -> &'static [Permission] {
        match self {
            Access::Read => &[
                Permission::Read,
                Permission::ReadAcp,
                Permission::FullControl,
            ],
            Access::Write => &[
                Permission::Write,
                Permission::WriteAcp,
                Permission::FullControl,
            ],
        }
    }

    /// The actions of this kind: a statement covering any of them grants this kind of access.
    /// (S3 counts `s3:Get*`/`s3:List*` and the `Put`/`Delete` family as public "bad actions".)
    fn actions(self) -> &'static [&'static str] {
        match self {
            Access::Read => &[
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectAcl",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectAttributes",
                "s3:GetObjectVersionAttributes",
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:GetObjectTorrent",
                "s3:GetObjectVersionTorrent",
                "s3:GetObjectRetention",
                "s3:GetObjectLegalHold",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:ListBucketMultipartUploads",
                "s3:ListMultipartUploadParts",
                "s3:GetBucketAcl",
                "s3:GetBucketPolicy",
                "s3:GetBucketLocation",
                "s3:GetBucketWebsite",
                "s3:GetBucketTagging",
                "s3:GetBucketCORS",
                "s3:GetBucketLogging",
                "s3:GetBucketVersioning",
                "s3:GetEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
            ],
            Access::Write => &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:PutObjectVersionAcl",
                "s3:PutObjectTagging",
                "s3:PutObjectVersionTagging",
                "s3:PutObjectRetention",
                "s3:PutObjectLegalHold",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:DeleteObjectTagging",
                "s3:DeleteObjectVersionTagging",
                "s3:AbortMultipartUpload",
                "s3:RestoreObject",
                "s3:ReplicateObject",
                "s3:ReplicateDelete",
                "s3:PutBucketAcl",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:DeleteBucket",
                "s3:PutBucketWebsite",
                "s3:DeleteBucketWebsite",
                "s3:PutBucketCORS",
                "s3:PutBucketTagging",
                "s3:PutBucketVersioning",
                "s3:PutBucketLogging",
                "s3:PutBucketNotification",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutEncryptionConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:PutReplicationConfiguration",
            ],
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// The whole check of S3.2 (`Access::Read`) and S3.3 (`Access::Write`): NON_COMPLIANT naming
/// every public grant, else COMPLIANT saying what (if anything) neutralised one.
pub fn check(resource: &Resource, context: &Context, access: Access) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let found = exposure(bucket, context, access)?;
    if !found.offences.is_empty() {
        return Ok(Verdict::from_offences(found.offences, ""));
    }
    Ok(Verdict::compliant(if found.blocked.is_empty() {
        format!(
            "no ACL grant or policy statement gives public {} access",
            access.verb()
        )
    } else {
        found.blocked.join("; ")
    }))
}

/// What makes the bucket public for `access`, and what (if anything) blocks it.
struct Exposure {
    offences: Vec<String>,
    blocked: Vec<String>,
}

fn exposure(bucket: &Bucket, context: &Context, access: Access) -> Result<Exposure, InputError> {
    let bucket_block = section(&bucket.public_access_block)?.as_ref();
    let account_block = context
        .account
        .and_then(|a| a.s3_public_access_block.as_ref());
    let effective = PublicAccessBlock::combined(bucket_block, account_block);
    let level = |bucket_on: bool| if bucket_on { "bucket" } else { "account" };

    let mut offences = Vec::new();
    let mut blocked = Vec::new();

    if let Some(acl) = section(&bucket.acl)? {
        let public: Vec<String> = acl
            .grants
            .iter()
            .filter(|g| g.grantee.is_public() && access.acl_permissions().contains(&g.permission))
            .map(|g| format!("ACL grants {} to {}", g.permission.name(), g.grantee.name()))
            .collect();
        if !public.is_empty() && effective.ignore_public_acls {
            let on_bucket = bucket_block.is_some_and(|b| b.ignore_public_acls);
            blocked.push(format!(
                "public ACL grants ignored ({}-level IgnorePublicAcls)",
                level(on_bucket)
            ));
        } else {
            offences.extend(public);
        }
    }

    if let Some(policy) = section(&bucket.policy)? {
        let public: Vec<String> = policy
            .labelled()
            .filter_map(|(label, s)| public_statement(&label, s, &policy.statements, access))
            .collect();
        if !public.is_empty() && effective.restrict_public_buckets {
            let on_bucket = bucket_block.is_some_and(|b| b.restrict_public_buckets);
            blocked.push(format!(
                "public policy restricted ({}-level RestrictPublicBuckets)",
                level(on_bucket)
            ));
        } else {
            offences.extend(public);
        }
    }
    Ok(Exposure { offences, blocked })
}

/// `policy statement Sid "X" allows s3:GetObject (read) to everyone…` when the statement grants
/// `access` to everyone and some action it grants is not taken back, for every resource it
/// names, by a Deny-unless statement.
fn public_statement(
    label: &str,
    statement: &Statement,
    all: &[Statement],
    access: Access,
) -> Option<String> {
    if !statement.is_allow() || !statement.principal_is_anyone() {
        return None;
    }
    if statement.restricting_condition(RESTRICTING_KEYS).is_some() {
        return None;
    }
    let action = access
        .actions()
        .iter()
        .copied()
        .filter(|a| statement.covers_action(a))
        .find(|a| !all.iter().any(|deny| takes_back(deny, statement, a)))?;
    Some(format!(
        "policy {label} allows {action} ({}) to everyone without a restricting condition",
        access.verb()
    ))
}

/// Whether `deny` denies `action` on every resource `allow` names to everyone not matching a
/// fixed value of a restricting key.
fn takes_back(deny: &Statement, allow: &Statement, action: &str) -> bool {
    deny.covers_action(action)
        && deny.deny_unless_condition(RESTRICTING_KEYS).is_some()
        && deny.not_resources.is_none()
        && allow.not_resources.is_none()
        && !allow.resources.is_empty()
        && allow
            .resources
            .iter()
            .all(|r| deny.resources.iter().any(|p| wildcard_match(p, r)))
}
