//! The account stack, `<name>-account`: what exists once per account and Region, whoever
//! runs clusters there, so it must not live and die with one cluster: the GuardDuty
//! detector and the ECR registry scanning configuration.
//!
//! It references no other stack and no stack references it: deploy it before or after the
//! others, and keep it when the cluster goes. In `stackLayout: single` it stays a stack of
//! its own, so that deleting the sandbox never turns GuardDuty off for the Region.

use super::{Context, Part};
use crate::resources::ecr::{RegistryScanningConfiguration, RepositoryFilter, ScanningRule};
use crate::resources::guardduty::{Detector, FeatureAdditionalConfiguration, FeatureConfiguration};
use crate::synth::SynthError;

/// Renders the account-wide resources the blueprint asks for; no stack when there are none.
pub(crate) fn render(ctx: &mut Context) -> Result<(), SynthError> {
    let spec = &ctx.bp.cluster;
    let tags = ctx.tags(&[]);
    // The detector holds the findings: kept or deleted with the stack per removalPolicy.
    let stateful = ctx.stateful();
    if let Some(gd) = spec.guard_duty.as_ref().filter(|gd| !gd.existing_detector) {
        let status = |on: bool| if on { "ENABLED" } else { "DISABLED" }.to_owned();
        ctx.stack(Part::Account).add_with(
            "GuardDutyDetector",
            Detector {
                enable: true,
                features: Some(vec![
                    FeatureConfiguration {
                        additional_configuration: None,
                        name: "EKS_AUDIT_LOGS".into(),
                        status: status(gd.eks_audit_logs),
                    },
                    FeatureConfiguration {
                        // GuardDuty installs and updates the aws-guardduty-agent add-on itself.
                        additional_configuration: gd.runtime_monitoring.then(|| {
                            vec![FeatureAdditionalConfiguration {
                                name: Some("EKS_ADDON_MANAGEMENT".into()),
                                status: Some("ENABLED".into()),
                            }]
                        }),
                        name: "RUNTIME_MONITORING".into(),
                        status: status(gd.runtime_monitoring),
                    },
                ]),
                finding_publishing_frequency: None,
                tags: Some(tags),
            },
            stateful,
        )?;
    }
    if spec.ecr_enhanced_scanning {
        ctx.stack(Part::Account).add(
            "EcrRegistryScanning",
            RegistryScanningConfiguration {
                rules: vec![ScanningRule {
                    repository_filters: vec![RepositoryFilter { filter: "*".into(), filter_type: "WILDCARD".into() }],
                    scan_frequency: "CONTINUOUS_SCAN".into(),
                }],
                scan_type: "ENHANCED".into(),
            },
        )?;
    }
    Ok(())
}
