use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the private repository scans images on push:
    /// `ImageScanningConfiguration.ScanOnPush` true passes; false or absent (the ECR default)
    /// fails. The managed rule also accepts registry-level (enhanced, Amazon Inspector) scanning
    /// rules that cover the repository with scan-on-push or continuous scanning; those rules are
    /// account settings that are not in the repository's item, so a failure says scan on push
    /// is off and that registry-level rules are not visible. If your registry uses enhanced
    /// scanning for this repository, exempt it with the exemption tag.
    ///
    /// ## Why it matters
    /// Container image standards are the customer's side of the model. Scanning on push finds
    /// known vulnerabilities in the OS packages of an image before it is deployed.
    ///
    /// ## How to fix
    /// Turn on scan on push (`aws ecr put-image-scanning-configuration --repository-name …
    /// --image-scanning-configuration scanOnPush=true`), or configure registry-level enhanced
    /// scanning with a filter that matches the repository.
    CONTROL = Control {
        id: "ECR.1",
        title: "ECR private repositories should have image scanning configured",
        resource_types: &[ResourceType::EcrRepository],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ContainerImages,
        mappings: Mappings {
            security_hub: Some("ECR.1"),
            cis: &[],
            nist: &["RA-5"],
        },
        remediation: Remediation {
            text: "Enable scan on push for the repository, or registry-level enhanced scanning with a filter covering it.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::EcrRepository(repository) = resource else {
        return Ok(Verdict::not_applicable("not an ECR repository"));
    };
    Ok(match repository.scan_on_push {
        Some(true) => Verdict::compliant("ImageScanningConfiguration.ScanOnPush is true"),
        setting => Verdict::non_compliant(format!(
            "scan on push is off (ImageScanningConfiguration.ScanOnPush {}); registry-level scanning rules are not visible in the item",
            if setting.is_some() { "false" } else { "absent" }
        )),
    })
}
