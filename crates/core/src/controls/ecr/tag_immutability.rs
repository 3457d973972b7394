use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the private repository makes image tags immutable: `ImageTagMutability`
    /// `IMMUTABLE` passes; `MUTABLE` and an absent value (the ECR default, `MUTABLE`) fail.
    /// `IMMUTABLE_WITH_EXCLUSION` fails too, naming the excluded tag patterns: the tags it
    /// exempts (typically `latest`) can still be overwritten, which is the risk the control is
    /// about, and AWS's rule passes only `IMMUTABLE`. `MUTABLE_WITH_EXCLUSION` fails.
    ///
    /// ## Why it matters
    /// Container image standards are the customer's side of the model. With mutable tags, a
    /// push can silently replace the image a tag points to, so what runs is not what was
    /// scanned, reviewed or signed.
    ///
    /// ## How to fix
    /// Set tag immutability (`aws ecr put-image-tag-mutability --repository-name …
    /// --image-tag-mutability IMMUTABLE`) and publish a new tag (or deploy by digest) for every
    /// build instead of moving tags.
    CONTROL = Control {
        id: "ECR.2",
        title: "ECR private repositories should have tag immutability configured",
        resource_types: &[ResourceType::EcrRepository],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ContainerImages,
        mappings: Mappings {
            security_hub: Some("ECR.2"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2", "CM-8(1)"],
        },
        remediation: Remediation {
            text: "Set the repository's image tag mutability to IMMUTABLE and give every build a new tag.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::EcrRepository(repository) = resource else {
        return Ok(Verdict::not_applicable("not an ECR repository"));
    };
    let Some(setting) = repository.tag_mutability.as_deref() else {
        return Ok(Verdict::non_compliant(
            "ImageTagMutability is absent (ECR default MUTABLE): tags can be overwritten",
        ));
    };
    if setting.eq_ignore_ascii_case("IMMUTABLE") {
        return Ok(Verdict::compliant("ImageTagMutability is IMMUTABLE"));
    }
    let exclusions = &repository.mutability_exclusions;
    Ok(Verdict::non_compliant(
        if setting.eq_ignore_ascii_case("IMMUTABLE_WITH_EXCLUSION") {
            if exclusions.is_empty() {
                "ImageTagMutability is IMMUTABLE_WITH_EXCLUSION: tags matching its exclusion filters can be overwritten".to_string()
            } else {
                format!(
                    "ImageTagMutability is IMMUTABLE_WITH_EXCLUSION: tags matching {} can be overwritten",
                    exclusions.join(", ")
                )
            }
        } else {
            format!("ImageTagMutability is {setting}: tags can be overwritten")
        },
    ))
}
