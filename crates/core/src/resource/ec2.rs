//! `AWS::EC2::SecurityGroup`, `AWS::EC2::Volume`, `AWS::EC2::Instance`, `AWS::EC2::NetworkAcl`.
//!
//! Security group permissions arrive with the legacy `ipRanges` (strings) and/or `ipv4Ranges` /
//! `ipv6Ranges` (objects); the lists can disagree, so a rule's sources are their union. Ports may
//! be absent or `null` (protocol `-1`), `-1`, or floats (`22.0`).

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number, Present, Text};
use crate::net::{describe_traffic, Cidr, PortRange, Protocol};

// ---- security groups ---------------------------------------------------------------------------

/// A security group.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub ingress: Vec<Permission>,
    pub egress: Vec<Permission>,
}

/// One permission (one entry of `ipPermissions` / `ipPermissionsEgress`).
#[derive(Debug, Clone, PartialEq)]
pub struct Permission {
    /// Where it sits in the item, e.g. `ipPermissions[2]`, to name it in annotations.
    pub location: String,
    pub protocol: Protocol,
    /// The port range; every port for protocols without ports and for `-1`.
    pub ports: PortRange,
    /// IPv4 and IPv6 sources (or destinations, for egress).
    pub cidrs: Vec<Cidr>,
    /// Other security groups referenced, by id (else `account/name`).
    pub group_pairs: Vec<String>,
    /// Managed prefix lists referenced, by id.
    pub prefix_lists: Vec<String>,
}

impl Permission {
    /// Whether the permission lets `protocol` traffic to `port` through (protocol `-1` does).
    pub fn opens(&self, protocol: Protocol, port: u16) -> bool {
        self.protocol.admits(self.ports, protocol, port)
    }

    /// The world-wide CIDRs (`/0`, IPv4 or IPv6) among the sources, as written.
    pub fn world_cidrs(&self) -> Vec<&Cidr> {
        self.cidrs.iter().filter(|c| c.is_world()).collect()
    }

    /// `tcp/22`, `udp/0-65535`, `all traffic`.
    pub fn traffic(&self) -> String {
        describe_traffic(self.protocol, self.ports)
    }

    /// Whether any rule content exists (a permission with no source at all is inert).
    pub fn has_sources(&self) -> bool {
        !self.cidrs.is_empty() || !self.group_pairs.is_empty() || !self.prefix_lists.is_empty()
    }

    /// Every source (or destination) as written: CIDRs, then security groups, then prefix lists.
    pub fn peers(&self) -> Vec<String> {
        self.cidrs
            .iter()
            .map(Cidr::to_string)
            .chain(self.group_pairs.iter().cloned())
            .chain(self.prefix_lists.iter().cloned())
            .collect()
    }

    /// `ingress tcp/0-65535 from sg-6fbb3807 (ipPermissions[1])`,
    /// `egress all traffic to 0.0.0.0/0 (ipPermissionsEgress[0])`.
    pub fn describe(&self) -> String {
        let (direction, preposition) = if self.location.starts_with("ipPermissionsEgress") {
            ("egress", "to")
        } else {
            ("ingress", "from")
        };
        format!(
            "{direction} {} {preposition} {} ({})",
            self.traffic(),
            self.peers().join(", "),
            self.location
        )
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawSecurityGroup {
    group_id: Option<String>,
    group_name: Option<String>,
    vpc_id: Option<String>,
    ip_permissions: Option<Vec<RawPermission>>,
    ip_permissions_egress: Option<Vec<RawPermission>>,
}

/// One permission as read. A large group has thousands of ranges, so each is parsed into a CIDR
/// as it is read, without a copy of its text, and kept with its list and index: the union keeps
/// the lists' order (`ipRanges`, `ipv4Ranges`, `ipv6Ranges`) and a bad range is reported where
/// it was.
#[derive(Default)]
struct RawPermission {
    ip_protocol: Option<ProtocolText>,
    from_port: Option<Number>,
    to_port: Option<Number>,
    ranges: Vec<ReadRange>,
    user_id_group_pairs: Option<Vec<RawGroupPair>>,
    prefix_list_ids: Option<Vec<RawPrefixList>>,
}

struct ReadRange {
    list: RangeList,
    index: usize,
    cidr: Result<Cidr, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RangeList {
    Ip,
    Ipv4,
    Ipv6,
}

impl RangeList {
    fn name(self) -> &'static str {
        match self {
            RangeList::Ip => "ipRanges",
            RangeList::Ipv4 => "ipv4Ranges",
            RangeList::Ipv6 => "ipv6Ranges",
        }
    }
}

impl<'de> Deserialize<'de> for RawPermission {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Clone, Copy, Deserialize)]
        #[serde(field_identifier, rename_all = "camelCase")]
        enum Field {
            IpProtocol,
            FromPort,
            ToPort,
            IpRanges,
            Ipv4Ranges,
            Ipv6Ranges,
            UserIdGroupPairs,
            PrefixListIds,
            #[serde(other)]
            Other,
        }
        const FIELDS: &[&str] = &[
            "ipProtocol",
            "fromPort",
            "toPort",
            "ipRanges",
            "ipv4Ranges",
            "ipv6Ranges",
            "userIdGroupPairs",
            "prefixListIds",
        ];
        struct PermissionVisitor;
        impl<'de> Visitor<'de> for PermissionVisitor {
            type Value = RawPermission;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct RawPermission")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPermission, A::Error> {
                let mut p = RawPermission::default();
                // A field given twice is refused, as for every other view.
                let mut seen = [false; 8];
                while let Some(field) = map.next_key::<Field>()? {
                    let at = match field {
                        Field::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                        known => known as usize,
                    };
                    if std::mem::replace(&mut seen[at], true) {
                        return Err(de::Error::duplicate_field(FIELDS[at]));
                    }
                    let into = &mut p.ranges;
                    match field {
                        Field::IpProtocol => p.ip_protocol = map.next_value()?,
                        Field::FromPort => p.from_port = map.next_value()?,
                        Field::ToPort => p.to_port = map.next_value()?,
                        Field::IpRanges => map.next_value_seed(Ranges(RangeList::Ip, into))?,
                        Field::Ipv4Ranges => map.next_value_seed(Ranges(RangeList::Ipv4, into))?,
                        Field::Ipv6Ranges => map.next_value_seed(Ranges(RangeList::Ipv6, into))?,
                        Field::UserIdGroupPairs => p.user_id_group_pairs = map.next_value()?,
                        Field::PrefixListIds => p.prefix_list_ids = map.next_value()?,
                        Field::Other => {}
                    }
                }
                Ok(p)
            }
        }
        d.deserialize_struct("RawPermission", FIELDS, PermissionVisitor)
    }
}

/// A permission's protocol, read where it lies; what is not a protocol is kept to be named.
struct ProtocolText(Result<Protocol, String>);

impl ProtocolText {
    fn of(text: &str) -> Self {
        ProtocolText(Protocol::parse(text).ok_or_else(|| text.to_string()))
    }
}

impl<'de> Deserialize<'de> for ProtocolText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ProtocolVisitor;
        impl Visitor<'_> for ProtocolVisitor {
            type Value = ProtocolText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProtocolText, E> {
                Ok(ProtocolText::of(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ProtocolText, E> {
                Ok(ProtocolText::of(&v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ProtocolText, E> {
                Ok(ProtocolText::of(&v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ProtocolText, E> {
                Ok(ProtocolText::of(&v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ProtocolText, E> {
                Ok(ProtocolText::of(&v.to_string()))
            }
        }
        d.deserialize_any(ProtocolVisitor)
    }
}

/// One range list (absent, `null` or a list), read into a permission's ranges.
struct Ranges<'a>(RangeList, &'a mut Vec<ReadRange>);

impl<'de> DeserializeSeed<'de> for Ranges<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Ranges<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Ranges(list, into) = self;
        let mut index = 0;
        while let Some(RawRange(cidr)) = seq.next_element()? {
            if let Some(cidr) = cidr {
                into.push(ReadRange { list, index, cidr });
            }
            index += 1;
        }
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawGroupPair {
    #[serde(alias = "GroupId")]
    group_id: Option<String>,
    #[serde(alias = "GroupName")]
    group_name: Option<String>,
    #[serde(alias = "UserId")]
    user_id: Option<String>,
}

impl RawGroupPair {
    /// The group id, else `account/name` (EC2-Classic and cross-account pairs may lack an id).
    fn name(self) -> String {
        match (self.group_id, self.group_name, self.user_id) {
            (Some(id), _, _) if !id.is_empty() => id,
            (_, Some(name), Some(user)) => format!("{user}/{name}"),
            (_, Some(name), None) => name,
            _ => "a security group".to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPrefixList {
    #[serde(alias = "PrefixListId")]
    prefix_list_id: Option<String>,
}

/// A range written as a bare string (legacy `ipRanges`) or an object (`{"cidrIp": …}`), parsed.
struct RawRange(Option<Result<Cidr, String>>);

/// A CIDR's text, parsed where it lies.
struct CidrText(Result<Cidr, String>);

impl<'de> Deserialize<'de> for CidrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CidrVisitor;
        impl Visitor<'_> for CidrVisitor {
            type Value = CidrText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CidrText, E> {
                Ok(CidrText(v.parse()))
            }
        }
        d.deserialize_str(CidrVisitor)
    }
}

/// Whether a range object's key names its CIDR (`cidrIp`, `CidrIpv6`, `cidr`, any case), read
/// without copying the key: a large group has thousands of them.
struct CidrKey(bool);

impl<'de> Deserialize<'de> for CidrKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = CidrKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<CidrKey, E> {
                Ok(CidrKey(
                    ["cidrip", "cidripv6", "cidr"]
                        .iter()
                        .any(|name| key.eq_ignore_ascii_case(name)),
                ))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for RawRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RangeVisitor;
        impl<'de> serde::de::Visitor<'de> for RangeVisitor {
            type Value = RawRange;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a CIDR string or an object with cidrIp/cidrIpv6")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawRange, E> {
                Ok(RawRange(Some(v.parse())))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<RawRange, E> {
                Ok(RawRange(None))
            }
            /// The first CIDR-valued key wins; descriptions and other keys are ignored.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawRange, A::Error> {
                let mut cidr = None;
                while let Some(CidrKey(is_cidr)) = map.next_key()? {
                    if is_cidr && cidr.is_none() {
                        cidr = map.next_value::<Option<CidrText>>()?.map(|c| c.0);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(RawRange(cidr))
            }
        }
        d.deserialize_any(RangeVisitor)
    }
}

/// `field[index]`, written into a string sized for it: a large group has hundreds of
/// permissions, and `format!` grows its string several times for each.
fn indexed(field: &str, index: usize) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(field.len() + 22);
    text.push_str(field);
    // Writing into a String cannot fail.
    let _ = write!(text, "[{index}]");
    text
}

fn permissions(raw: Vec<RawPermission>, field: &str) -> Result<Vec<Permission>, InputError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let location = indexed(field, i);
            let at = |name: &str| format!("configuration.{location}.{name}");
            let protocol = match p.ip_protocol {
                None => Protocol::All,
                Some(ProtocolText(read)) => read.map_err(|text| {
                    InputError::new(
                        at("ipProtocol"),
                        format!("{text:?} is not an IP protocol (expected tcp, udp, icmp, -1 or a number)"),
                    )
                })?,
            };
            let ports = if protocol.has_ports() {
                PortRange::from_bounds(p.from_port.map(|n| n.0), p.to_port.map(|n| n.0)).ok_or_else(|| {
                    InputError::new(
                        at("fromPort"),
                        "ports must be whole numbers from 0 to 65535 (or -1 for all)",
                    )
                })?
            } else {
                PortRange::ALL
            };
            let mut ranges = p.ranges;
            // The lists in their order, each as written (the sort is stable).
            if !ranges.is_sorted_by_key(|r| r.list) {
                ranges.sort_by_key(|r| r.list);
            }
            let mut cidrs: Vec<Cidr> = Vec::with_capacity(ranges.len());
            for range in ranges {
                let cidr = range.cidr.map_err(|e| {
                    InputError::new(at(&format!("{}[{}]", range.list.name(), range.index)), e)
                })?;
                if !cidrs.contains(&cidr) {
                    cidrs.push(cidr);
                }
            }
            Ok(Permission {
                location,
                protocol,
                ports,
                cidrs,
                group_pairs: p
                    .user_id_group_pairs
                    .unwrap_or_default()
                    .into_iter()
                    .map(RawGroupPair::name)
                    .collect(),
                prefix_lists: p
                    .prefix_list_ids
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| l.prefix_list_id.unwrap_or_else(|| "a prefix list".into()))
                    .collect(),
            })
        })
        .collect()
}

impl SecurityGroup {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawSecurityGroup = item.configuration()?;
        Ok(SecurityGroup {
            group_id: raw
                .group_id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            group_name: raw.group_name.or_else(|| item.resource_name.clone()),
            vpc_id: raw.vpc_id,
            ingress: permissions(raw.ip_permissions.unwrap_or_default(), "ipPermissions")?,
            egress: permissions(
                raw.ip_permissions_egress.unwrap_or_default(),
                "ipPermissionsEgress",
            )?,
        })
    }

    /// Whether this is a VPC's default security group (its name is always `default`).
    pub fn is_default(&self) -> bool {
        self.group_name.as_deref() == Some("default")
    }

    /// Ingress permissions open to the world that let `protocol` reach `port`, described as
    /// `ingress tcp/22 from 0.0.0.0/0 (ipPermissions[0])`.
    pub fn world_ingress_to(&self, protocol: Protocol, port: u16) -> Vec<String> {
        self.ingress
            .iter()
            .filter(|p| p.opens(protocol, port))
            .filter_map(describe_world_permission)
            .collect()
    }
}

/// `ingress tcp/22 from 0.0.0.0/0, ::/0 (ipPermissions[0])`, when the permission is world-open.
pub fn describe_world_permission(p: &Permission) -> Option<String> {
    let world = p.world_cidrs();
    if world.is_empty() {
        return None;
    }
    let sources = world
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "ingress {} from {sources} ({})",
        p.traffic(),
        p.location
    ))
}

// ---- volumes ----------------------------------------------------------------------------------

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub volume_id: String,
    /// `configuration.encrypted`; `None` when the item does not say (older items).
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    /// Instances the volume is attached to.
    pub attached_to: Vec<String>,
    /// `in-use`, `available`…
    pub state: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawVolume {
    volume_id: Option<String>,
    encrypted: Option<Flag>,
    kms_key_id: Option<String>,
    attachments: Option<Vec<RawAttachment>>,
    state: Option<StateValue>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAttachment {
    instance_id: Option<String>,
    state: Option<String>,
}

/// A state written as `"in-use"` or `{"value": "in-use"}` / `{"name": "running"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StateValue(String);

impl<'de> Deserialize<'de> for StateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Text(String),
            Object {
                #[serde(alias = "name", alias = "Value", alias = "Name")]
                value: Option<String>,
            },
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Text(s) => StateValue(s),
            Shape::Object { value } => StateValue(value.unwrap_or_default()),
        })
    }
}

impl Volume {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawVolume = item.configuration()?;
        Ok(Volume {
            volume_id: raw
                .volume_id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            encrypted: raw.encrypted.map(|f| f.0),
            kms_key_id: raw.kms_key_id.filter(|k| !k.is_empty()),
            attached_to: raw
                .attachments
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a.state.as_deref().is_none_or(|s| s != "detached"))
                .filter_map(|a| a.instance_id)
                .collect(),
            state: raw.state.map(|s| s.0),
        })
    }

    /// Attached to an instance: an attachment that is not `detached`, or the state `in-use`
    /// (older items may carry the state without the attachment list).
    pub fn is_attached(&self) -> bool {
        !self.attached_to.is_empty() || self.state.as_deref() == Some("in-use")
    }
}

// ---- instances --------------------------------------------------------------------------------

/// An EC2 instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub instance_id: String,
    /// `running`, `stopped`, `terminated`…
    pub state: Option<String>,
    /// `metadataOptions`; `None` when the item has no such object (items from before 2020).
    pub metadata_options: Option<MetadataOptions>,
    /// Public IPv4 addresses and where they were found.
    pub public_ips: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInstance {
    instance_id: Option<String>,
    state: Option<StateValue>,
    #[serde(alias = "MetadataOptions")]
    metadata_options: Present<MetadataOptions>,
    public_ip_address: Option<String>,
    network_interfaces: Option<Vec<RawInterface>>,
}

/// The instance metadata service settings (`metadataOptions`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional`.
    #[serde(alias = "HttpTokens")]
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(alias = "HttpEndpoint")]
    pub http_endpoint: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInterface {
    association: Present<RawAssociation>,
    private_ip_addresses: Option<Vec<RawPrivateIp>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPrivateIp {
    association: Present<RawAssociation>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAssociation {
    public_ip: Option<String>,
}

impl Instance {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawInstance = item.configuration()?;
        let mut public_ips: Vec<(String, String)> = Vec::new();
        let mut add = |ip: Option<String>, place: String| {
            if let Some(ip) = ip.filter(|ip| !ip.is_empty()) {
                if !public_ips.iter().any(|(known, _)| *known == ip) {
                    public_ips.push((ip, place));
                }
            }
        };
        add(raw.public_ip_address, "publicIpAddress".into());
        for (i, eni) in raw
            .network_interfaces
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            add(
                eni.association.0.and_then(|a| a.public_ip),
                format!("networkInterfaces[{i}].association"),
            );
            for (j, private) in eni
                .private_ip_addresses
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                add(
                    private.association.0.and_then(|a| a.public_ip),
                    format!("networkInterfaces[{i}].privateIpAddresses[{j}].association"),
                );
            }
        }
        Ok(Instance {
            instance_id: raw
                .instance_id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            state: raw.state.map(|s| s.0).filter(|s| !s.is_empty()),
            metadata_options: raw.metadata_options.0,
            public_ips,
        })
    }

    /// Terminated instances are gone for good; what remains of their item judges nothing.
    pub fn is_terminated(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("terminated"))
    }
}

// ---- network ACLs -----------------------------------------------------------------------------

/// A network ACL.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub is_default: bool,
    pub entries: Vec<AclEntry>,
}

/// One network ACL entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    /// Where it sits in the item, e.g. `entries[2]`.
    pub location: String,
    pub rule_number: i64,
    pub egress: bool,
    pub allow: bool,
    pub protocol: Protocol,
    pub ports: PortRange,
    pub cidr: Option<Cidr>,
}

impl AclEntry {
    pub fn opens(&self, protocol: Protocol, port: u16) -> bool {
        self.protocol.admits(self.ports, protocol, port)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawNetworkAcl {
    network_acl_id: Option<String>,
    is_default: Option<Flag>,
    entries: Option<Vec<RawAclEntry>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAclEntry {
    rule_number: Option<Number>,
    egress: Option<Flag>,
    rule_action: Option<String>,
    protocol: Option<Text>,
    port_range: Present<RawPortRange>,
    cidr_block: Option<String>,
    ipv6_cidr_block: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPortRange {
    from: Option<Number>,
    to: Option<Number>,
}

impl NetworkAcl {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawNetworkAcl = item.configuration()?;
        let entries = raw
            .entries
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let at = |name: &str| format!("configuration.entries[{i}].{name}");
                let protocol_text = e.protocol.map(|t| t.0).unwrap_or_else(|| "-1".into());
                let protocol = Protocol::parse(&protocol_text).ok_or_else(|| {
                    InputError::new(
                        at("protocol"),
                        format!("{protocol_text:?} is not an IP protocol"),
                    )
                })?;
                let range = e.port_range.0.unwrap_or_default();
                let ports = PortRange::from_bounds(range.from.map(|n| n.0), range.to.map(|n| n.0))
                    .ok_or_else(|| {
                        InputError::new(
                            at("portRange"),
                            "ports must be whole numbers from 0 to 65535",
                        )
                    })?;
                let cidr_text = e.cidr_block.or(e.ipv6_cidr_block).filter(|c| !c.is_empty());
                let cidr = cidr_text
                    .map(|c| {
                        c.parse::<Cidr>()
                            .map_err(|msg| InputError::new(at("cidrBlock"), msg))
                    })
                    .transpose()?;
                Ok(AclEntry {
                    location: format!("entries[{i}]"),
                    rule_number: e.rule_number.and_then(Number::as_i64).unwrap_or(i64::MAX),
                    egress: e.egress.is_some_and(|f| f.0),
                    allow: e
                        .rule_action
                        .is_some_and(|a| a.eq_ignore_ascii_case("allow")),
                    protocol,
                    ports,
                    cidr,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        Ok(NetworkAcl {
            network_acl_id: raw
                .network_acl_id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            is_default: raw.is_default.is_some_and(|f| f.0),
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_the_list_and_index() {
        for (index, expected) in [
            (0, "ipPermissions[0]"),
            (7, "ipPermissions[7]"),
            (10, "ipPermissions[10]"),
            (1234, "ipPermissions[1234]"),
        ] {
            assert_eq!(indexed("ipPermissions", index), expected);
        }
        assert_eq!(indexed("x", usize::MAX), format!("x[{}]", usize::MAX));
    }

    fn sg(configuration: &str) -> Result<SecurityGroup, InputError> {
        let text = format!(
            r#"{{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configuration":{configuration}}}"#
        );
        SecurityGroup::from_item(&ConfigurationItem::parse(&text).unwrap())
    }

    #[test]
    fn legacy_and_new_ranges_are_merged() {
        let g = sg(r#"{"ipPermissions":[{"ipProtocol":"tcp","fromPort":50051,"toPort":50051,"ipRanges":["0.0.0.0/0"],"ipv4Ranges":[]},
                                        {"ipProtocol":"tcp","fromPort":22.0,"toPort":22.0,"ipRanges":["0.0.0.0/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipv6Ranges":[{"cidrIpv6":"::/0"}]}]}"#)
        .unwrap();
        assert_eq!(g.ingress[0].cidrs.len(), 1);
        assert_eq!(g.ingress[1].cidrs.len(), 2);
        assert_eq!(g.ingress[1].ports, PortRange::single(22));
        assert_eq!(
            g.world_ingress_to(Protocol::Tcp, 22),
            vec!["ingress tcp/22 from 0.0.0.0/0, ::/0 (ipPermissions[1])"]
        );
    }

    #[test]
    fn all_traffic_opens_every_port_and_host_bits_do_not_hide_the_world() {
        let g = sg(r#"{"ipPermissions":[{"ipProtocol":"-1","fromPort":null,"toPort":null,"ipRanges":["11.0.0.0/0"]}]}"#).unwrap();
        assert_eq!(
            g.world_ingress_to(Protocol::Tcp, 3389),
            vec!["ingress all traffic from 11.0.0.0/0 (ipPermissions[0])"]
        );
    }

    #[test]
    fn bad_rules_name_their_path() {
        let err = sg(r#"{"ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["999.0.0.0/8"]}]}"#).unwrap_err();
        assert_eq!(err.path, "configuration.ipPermissions[0].ipRanges[0]");
        let err = sg(r#"{"ipPermissions":[{"ipProtocol":"tcp","fromPort":"x"}]}"#).unwrap_err();
        assert_eq!(err.path, "configuration.ipPermissions[0].fromPort");
        let err = sg(r#"{"ipPermissions":[{"ipProtocol":"bogus"}]}"#).unwrap_err();
        assert_eq!(err.path, "configuration.ipPermissions[0].ipProtocol");
    }

    #[test]
    fn ranges_keep_the_lists_order_whatever_the_keys_order() {
        let g = sg(r#"{"ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
            "ipv6Ranges":[{"cidrIpv6":"::/0"}],"ipv4Ranges":[{"description":"x","cidrIp":"10.0.0.0/8"},null,{"cidrIp":"0.0.0.0/0"}],
            "ipRanges":["0.0.0.0/0"],"prefixListIds":null}]}"#)
        .unwrap();
        let cidrs: Vec<String> = g.ingress[0].cidrs.iter().map(Cidr::to_string).collect();
        assert_eq!(cidrs, ["0.0.0.0/0", "10.0.0.0/8", "::/0"]);
        // The first bad range in the lists' order is reported, at its index in its list.
        let err = sg(r#"{"ipPermissions":[{"ipv6Ranges":[{"cidrIpv6":"nope"}],"ipv4Ranges":[{"cidrIp":"10.0.0.0/8"},null,{"cidrIp":"10.0.0.0/99"}]}]}"#).unwrap_err();
        assert_eq!(err.path, "configuration.ipPermissions[0].ipv4Ranges[2]");
        let err = sg(r#"{"ipPermissions":[{"ipRanges":[],"ipRanges":[]}]}"#).unwrap_err();
        assert!(err.message.contains("duplicate field `ipRanges`"), "{err}");
        let err = sg(r#"{"ipPermissions":[{"ipRanges":"0.0.0.0/0"}]}"#).unwrap_err();
        assert_eq!(err.path, "configuration.ipPermissions[0].ipRanges");
    }

    #[test]
    fn sources_are_named_for_annotations() {
        let g = sg(r#"{"groupName":"default","ipPermissions":[{"ipProtocol":"-1","userIdGroupPairs":[{"userId":"111122223333","groupId":"sg-1"}],"ipRanges":[]},
                        {"ipProtocol":"tcp","fromPort":443,"toPort":443,"userIdGroupPairs":[{"userId":"amazon-elb","groupName":"amazon-elb-sg"}],"prefixListIds":[{"prefixListId":"pl-6da54004"}]},
                        {"ipProtocol":"icmp","fromPort":-1,"toPort":-1}],
                       "ipPermissionsEgress":[{"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}]}]}"#)
        .unwrap();
        assert!(g.is_default());
        assert_eq!(
            g.ingress[0].describe(),
            "ingress all traffic from sg-1 (ipPermissions[0])"
        );
        assert_eq!(
            g.ingress[1].describe(),
            "ingress tcp/443 from amazon-elb/amazon-elb-sg, pl-6da54004 (ipPermissions[1])"
        );
        assert!(!g.ingress[2].has_sources());
        assert_eq!(
            g.egress[0].describe(),
            "egress all traffic to 0.0.0.0/0 (ipPermissionsEgress[0])"
        );
    }

    #[test]
    fn metadata_options_absent_null_or_pascal_case() {
        let instance = |configuration: &str| {
            let text = format!(
                r#"{{"resourceType":"AWS::EC2::Instance","resourceId":"i-1","configuration":{configuration}}}"#
            );
            Instance::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
        };
        assert_eq!(instance("{}").metadata_options, None);
        assert_eq!(
            instance(r#"{"metadataOptions":null}"#).metadata_options,
            None
        );
        let i = instance(
            r#"{"MetadataOptions":{"HttpTokens":"required","HttpEndpoint":"enabled"},"state":{"code":48,"name":"terminated"}}"#,
        );
        assert_eq!(
            i.metadata_options
                .as_ref()
                .and_then(|o| o.http_tokens.as_deref()),
            Some("required")
        );
        assert!(i.is_terminated());
    }

    #[test]
    fn volume_attachment_from_list_or_state() {
        let volume = |configuration: &str| {
            let text = format!(
                r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","configuration":{configuration}}}"#
            );
            Volume::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
        };
        let v = volume(r#"{"state":{"value":"in-use"},"attachments":[],"encrypted":"true"}"#);
        assert!(v.is_attached());
        assert_eq!(v.encrypted, Some(true));
        let v = volume(
            r#"{"state":"available","attachments":[{"instanceId":"i-1","state":"detached"}]}"#,
        );
        assert!(!v.is_attached());
        assert_eq!(v.encrypted, None);
    }

    #[test]
    fn instance_public_ips_with_python_none_associations() {
        let text = r#"{"resourceType":"AWS::EC2::Instance","resourceId":"i-1","configuration":{"networkInterfaces":[
            {"association":"None","privateIpAddresses":[{"association":"None"},{"association":{"publicIp":"1.2.3.4"}}]}]}}"#;
        let i = Instance::from_item(&ConfigurationItem::parse(text).unwrap()).unwrap();
        assert_eq!(
            i.public_ips,
            vec![(
                "1.2.3.4".to_string(),
                "networkInterfaces[0].privateIpAddresses[1].association".to_string()
            )]
        );
    }
}
