//! Our own serde types for the CycloneDX machine-learning parts that the pinned `cyclonedx-bom` 0.8.1
//! writes wrongly (see `bom/mod.rs`): `modelCard` and the `data` array of `data` components. Field
//! names and shapes follow the CycloneDX 1.5–1.7 JSON schemas.

use serde::Serialize;

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// `component.modelCard`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_parameters: Option<ModelParameters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantitative_analysis: Option<QuantitativeAnalysis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub considerations: Option<Considerations>,
    #[serde(skip_serializing_if = "is_empty")]
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_architecture: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub datasets: Vec<DatasetRef>,
}

impl ModelParameters {
    pub fn is_empty(&self) -> bool {
        self.task.is_none()
            && self.architecture_family.is_none()
            && self.model_architecture.is_none()
            && self.datasets.is_empty()
    }
}

/// A reference to a `data` component (`{"ref": "<bom-ref>"}`).
#[derive(Debug, Clone, Serialize)]
pub struct DatasetRef {
    #[serde(rename = "ref")]
    pub reference: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeAnalysis {
    pub performance_metrics: Vec<PerformanceMetric>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PerformanceMetric {
    #[serde(rename = "type")]
    pub metric_type: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Considerations {
    #[serde(skip_serializing_if = "is_empty")]
    pub use_cases: Vec<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub technical_limitations: Vec<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub ethical_considerations: Vec<EthicalConsideration>,
    /// CycloneDX 1.6+. Only `properties`: the card's CO2 figure has no place in `energyConsumptions`
    /// without values we would have to invent (energy providers, activity energy cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environmental_considerations: Option<EnvironmentalConsiderations>,
}

impl Considerations {
    pub fn is_empty(&self) -> bool {
        self.use_cases.is_empty()
            && self.technical_limitations.is_empty()
            && self.ethical_considerations.is_empty()
            && self.environmental_considerations.is_none()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EthicalConsideration {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigation_strategy: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EnvironmentalConsiderations {
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

impl Property {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Property {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// One entry of a `data` component's `data` array.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentData {
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    #[serde(rename = "type")]
    pub data_type: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contents: Option<DataContents>,
    #[serde(skip_serializing_if = "is_empty")]
    pub sensitive_data: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub governance: Option<DataGovernance>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DataContents {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub properties: Vec<Property>,
}

/// Data governance: who owns / looks after the data (only `owners` from Croissant `creator`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataGovernance {
    pub owners: Vec<GovernanceParty>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GovernanceParty {
    pub organization: Organization,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub name: String,
}
