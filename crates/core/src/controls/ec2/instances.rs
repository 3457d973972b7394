//! The instances EC2.8 and EC2.9 judge: terminated instances are NOT_APPLICABLE.

use crate::resource::ec2::Instance;
use crate::resource::Resource;
use crate::verdict::Verdict;

/// The instance to judge, or the NOT_APPLICABLE verdict that settles the item.
pub(super) fn live(resource: &Resource) -> Result<&Instance, Verdict> {
    match resource {
        Resource::Ec2Instance(instance) if instance.is_terminated() => {
            Err(Verdict::not_applicable("instance is terminated"))
        }
        Resource::Ec2Instance(instance) => Ok(instance),
        _ => Err(Verdict::not_applicable("not an EC2 instance")),
    }
}
