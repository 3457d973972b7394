//! Configuration items in either key flavour (`ConfigurationItem::parse`) and their typed
//! views (`Resource::from_item`: JSON in strings, URL-encoded policies), and every document
//! that carries them as `ourside scan` reads a file (`document::read`: events, invoking events,
//! SNS notifications, Config API output, snapshots). Both read text: `ourside scan` reports a
//! file that is not UTF-8 before parsing, and the Lambda runtime only hands over JSON text, so
//! input that is not UTF-8 is skipped.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ourside_core::asff::Subject;
use ourside_core::document::{self, Content, Hints};
use ourside_core::{ConfigurationItem, Resource, ResourceType};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = ConfigurationItem::parse(text) {
        let _ = item.display_id();
        let _ = item.configuration::<serde_json::Value>();
        let _ = item.supplementary::<serde_json::Value>("BucketPolicy");
        // The typed view of its type: configuration and supplementary values decoded, however
        // deep their strings go, policies URL-decoded; and the finding's resource details.
        let _ = Resource::from_item(&item);
        let _ = Subject::of(&item);
    }
    let _ = ConfigurationItem::parse_with_type(text, Some(&ResourceType::Ec2SecurityGroup));
    for hints in [
        Hints::default(),
        Hints {
            resource_type: Some(ResourceType::S3Bucket),
        },
    ] {
        if let Ok(entries) = document::read(text, &hints) {
            for entry in entries {
                if let Content::Error(e) = entry.content {
                    // An error always says something.
                    assert!(!e.message.is_empty(), "{}: empty message", e.path);
                }
            }
        }
    }
});
