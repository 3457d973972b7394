//! Runs controls over configuration items: scope, deletion, exemptions, then the checks.
//!
//! The order of decisions for each (item, control):
//! 1. the control does not cover the item's type: no evaluation at all;
//! 2. `eventLeftScope`, or the resource is deleted / not recorded: NOT_APPLICABLE;
//! 3. an active exemption tag names the control: NOT_APPLICABLE, saying so;
//! 4. otherwise the control's check runs on the typed view (decoded once per item).

use std::cell::OnceCell;
use std::collections::BTreeMap;

use crate::control::{Check, Context, Control, Judgement};
use crate::exemption::{Exemption, ExemptionStatus, DEFAULT_TAG_KEY};
use crate::facts::{AccountState, Enrichment, NO_ENRICHMENT};
use crate::item::ConfigurationItem;
use crate::json::InputError;
use crate::params::{ParamError, Params, RawParams};
use crate::resource::s3::PublicAccessBlock;
use crate::resource::{Resource, ResourceType};
use crate::timestamp::Timestamp;
use crate::verdict::{Outcome, Verdict};

/// Account-level settings that bear on resource controls but live outside the resource's item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountFacts {
    /// Account-level S3 Block Public Access, when known.
    pub s3_public_access_block: Option<PublicAccessBlock>,
}

/// A control ready to run: its parameters resolved.
#[derive(Debug, Clone)]
pub struct Selected {
    pub control: &'static Control,
    pub params: Params,
}

impl Selected {
    pub fn with_defaults(control: &'static Control) -> Self {
        Selected {
            control,
            params: Params::defaults(control.params),
        }
    }

    pub fn with_params(control: &'static Control, raw: &RawParams) -> Result<Self, ParamError> {
        Ok(Selected {
            control,
            params: Params::resolve(control.params, raw)?,
        })
    }
}

/// One control's result for one item.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub control: &'static Control,
    pub outcome: Outcome,
}

/// Evaluates items against a set of controls.
#[derive(Debug, Clone)]
pub struct Evaluator {
    selected: Vec<Selected>,
    exemption_tag: String,
    now: Timestamp,
    accounts: BTreeMap<String, AccountFacts>,
}

impl Evaluator {
    pub fn new(selected: Vec<Selected>, now: Timestamp) -> Self {
        Evaluator {
            selected,
            exemption_tag: DEFAULT_TAG_KEY.to_string(),
            now,
            accounts: BTreeMap::new(),
        }
    }

    /// Every control of `controls` with default parameters.
    pub fn with_defaults(controls: &[&'static Control], now: Timestamp) -> Self {
        Self::new(
            controls
                .iter()
                .map(|c| Selected::with_defaults(c))
                .collect(),
            now,
        )
    }

    pub fn exemption_tag(mut self, key: impl Into<String>) -> Self {
        self.exemption_tag = key.into();
        self
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn selected(&self) -> &[Selected] {
        &self.selected
    }

    /// Whether items of this type feed account-level facts (and are used even though no control
    /// evaluates them).
    pub fn learns_from(resource_type: &ResourceType) -> bool {
        *resource_type == ResourceType::S3AccountPublicAccessBlock
    }

    /// Records account-level facts an item carries (e.g. account-level Block Public Access).
    /// Returns an error when the item is such a record but cannot be read.
    pub fn learn(&mut self, item: &ConfigurationItem) -> Result<(), InputError> {
        if !Self::learns_from(&item.resource_type) || item.is_gone() {
            return Ok(());
        }
        let block = crate::resource::s3::account_public_access_block(item)?;
        let account = item
            .account_id
            .clone()
            .or_else(|| item.resource_id.clone())
            .unwrap_or_default();
        self.accounts
            .entry(account)
            .or_default()
            .s3_public_access_block = Some(block);
        Ok(())
    }

    /// The same selection, with the account facts `other` has learned.
    pub fn with_facts_from(mut self, other: &Evaluator) -> Self {
        self.accounts = other.accounts.clone();
        self
    }

    pub fn set_account_facts(&mut self, account: impl Into<String>, facts: AccountFacts) {
        self.accounts.insert(account.into(), facts);
    }

    /// Whether any selected control judges items of `resource_type` without fetched data.
    pub fn covers(&self, resource_type: &ResourceType) -> bool {
        self.selected
            .iter()
            .any(|s| judges_items(s.control, false) && s.control.applies_to(resource_type))
    }

    /// The selected controls that need data fetched for the item, which
    /// [`Evaluator::evaluate`] leaves out.
    pub fn enriched(&self) -> impl Iterator<Item = &'static Control> + '_ {
        self.selected
            .iter()
            .map(|s| s.control)
            .filter(|c| matches!(c.check, Check::Enriched(..)))
    }

    /// Evaluates every selected control that judges the item's type from the item alone.
    /// `left_scope` is the event's `eventLeftScope`.
    pub fn evaluate(&self, item: &ConfigurationItem, left_scope: bool) -> Vec<Evaluation> {
        self.judge(item, left_scope, None)
    }

    /// Like [`Evaluator::evaluate`], also running the controls that need data fetched for the
    /// item, with `enrichment`.
    pub fn evaluate_enriched(
        &self,
        item: &ConfigurationItem,
        left_scope: bool,
        enrichment: &Enrichment,
    ) -> Vec<Evaluation> {
        self.judge(item, left_scope, Some(enrichment))
    }

    /// Runs the selected account-level controls on `state`. A judged resource that carries
    /// tags (a secret) honours exemption tags as an item does.
    pub fn evaluate_account(&self, state: &AccountState) -> Vec<(&'static Control, Judgement)> {
        let context = Context {
            now: self.now,
            account: None,
            enrichment: &NO_ENRICHMENT,
        };
        self.selected
            .iter()
            .filter_map(|s| match s.control.check {
                Check::Account(check, _) => Some((s.control, check(state, &s.params, &context))),
                _ => None,
            })
            .flat_map(|(control, judgements)| judgements.into_iter().map(move |j| (control, j)))
            .map(|(control, judgement)| {
                let exemption = Exemption::from_tags(&judgement.subject.tags, &self.exemption_tag);
                let outcome = self.exempt(control, &exemption, || judgement.outcome.clone());
                (
                    control,
                    Judgement {
                        subject: judgement.subject,
                        outcome,
                    },
                )
            })
            .collect()
    }

    /// The control's outcome for a resource with `exemption`: NOT_APPLICABLE while the
    /// exemption is active (the control is not even run), else the outcome with a remark on a
    /// lapsed or unreadable exemption.
    fn exempt(
        &self,
        control: &Control,
        exemption: &Result<Option<Exemption>, String>,
        outcome: impl FnOnce() -> Outcome,
    ) -> Outcome {
        let status = match exemption {
            Ok(Some(e)) => e.status(control.id, self.now),
            _ => ExemptionStatus::None,
        };
        match status {
            ExemptionStatus::Active(text) => Ok(Verdict::not_applicable(text)),
            other => outcome().map(|v| match (&other, exemption) {
                (ExemptionStatus::Lapsed(remark), _) => v.with_remark(remark),
                (_, Err(problem)) => v.with_remark(&format!("ignored {problem}")),
                _ => v,
            }),
        }
    }

    fn judge(
        &self,
        item: &ConfigurationItem,
        left_scope: bool,
        enrichment: Option<&Enrichment>,
    ) -> Vec<Evaluation> {
        let applicable: Vec<&Selected> = self
            .selected
            .iter()
            .filter(|s| {
                judges_items(s.control, enrichment.is_some())
                    && s.control.applies_to(&item.resource_type)
            })
            .collect();
        if applicable.is_empty() {
            return Vec::new();
        }
        let settled = if left_scope {
            Some(Verdict::not_applicable(
                "resource left the scope of the rule (eventLeftScope)",
            ))
        } else if item.is_gone() {
            Some(Verdict::not_applicable(format!(
                "resource no longer exists or is not recorded ({})",
                item.status
            )))
        } else {
            None
        };
        if let Some(verdict) = settled {
            return applicable
                .into_iter()
                .map(|s| Evaluation {
                    control: s.control,
                    outcome: Ok(verdict.clone()),
                })
                .collect();
        }

        let exemption = Exemption::from_tags(&item.tags, &self.exemption_tag);
        let resource: OnceCell<Result<Resource, InputError>> = OnceCell::new();
        let context = Context {
            now: self.now,
            account: item.account_id.as_ref().and_then(|a| self.accounts.get(a)),
            enrichment: enrichment.unwrap_or(&NO_ENRICHMENT),
        };
        applicable
            .into_iter()
            .map(|s| Evaluation {
                control: s.control,
                outcome: self.exempt(s.control, &exemption, || {
                    match resource.get_or_init(|| Resource::from_item(item)) {
                        Err(e) => Err(e.clone()),
                        Ok(view) => run(s, view, &context),
                    }
                }),
            })
            .collect()
    }
}

/// Whether the control judges configuration items (with fetched data only when `enriched`).
fn judges_items(control: &Control, enriched: bool) -> bool {
    match control.check {
        Check::Item(_) | Check::ItemWithFacts(..) | Check::Listed(..) => true,
        Check::Enriched(..) => enriched,
        Check::Account(..) => false,
    }
}

fn run(selected: &Selected, view: &Resource, context: &Context) -> Outcome {
    match selected.control.check {
        Check::Item(check)
        | Check::ItemWithFacts(check, _)
        | Check::Enriched(check, _)
        | Check::Listed(check, _) => check(view, &selected.params, context),
        Check::Account(..) => Ok(Verdict::not_applicable(
            "an account-level control judges no configuration item",
        )),
    }
}
