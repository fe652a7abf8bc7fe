//! The deep recipes' registry: the only place that lists them. A config's `deep.recipe` is one of
//! [`Recipe`]'s variants; everything else asks the recipe through [`RecipeSpec`]
//! ([`Recipe::spec`]) or reads its [`RecipeInfo`].
//!
//! Adding a recipe: its file (or folder) under `recipe/` with a unit struct implementing
//! [`RecipeSpec`] and its info entry (its kind declared), then here a variant of [`Recipe`], its arm
//! in [`Recipe::spec`] and its entry in [`Recipe::ALL`]. The compiler finds an arm left out.

use super::spec::{Knowledge, RecipeInfo, RecipeSpec};
use serde::{Deserialize, Serialize};

/// How a deep reference is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipe {
    /// Initialise, then train ([`super::plain`]).
    #[default]
    Plain,
    /// Warm start from the trained shallower net with a layer prepended ([`super::curriculum`]).
    Curriculum,
    /// Triangle-wave reparametrisation, then free training ([`super::triangle`]).
    Triangle,
    /// Triangle-wave reparametrisation grown a layer at a time, then free training
    /// ([`super::triangle`]).
    TriangleCurriculum,
    /// Grown a layer at a time on the target itself ([`super::layerwise`]).
    Layerwise,
    /// Grown by identity layers inserted at the top, on any inputs ([`super::net2deeper`]).
    Net2deeper,
}

impl Recipe {
    /// Every recipe, in declaration order (the frontier's order).
    pub const ALL: [Recipe; 6] = [
        Recipe::Plain,
        Recipe::Curriculum,
        Recipe::Triangle,
        Recipe::TriangleCurriculum,
        Recipe::Layerwise,
        Recipe::Net2deeper,
    ];

    /// The recipe's behaviour and info entry.
    pub fn spec(self) -> &'static dyn RecipeSpec {
        match self {
            Recipe::Plain => &super::plain::Plain,
            Recipe::Curriculum => &super::curriculum::Curriculum,
            Recipe::Triangle => &super::triangle::recipes::Triangle,
            Recipe::TriangleCurriculum => &super::triangle::recipes::TriangleCurriculum,
            Recipe::Layerwise => &super::layerwise::Layerwise,
            Recipe::Net2deeper => &super::net2deeper::Net2Deeper,
        }
    }

    /// Its info entry.
    pub fn info(self) -> &'static RecipeInfo {
        self.spec().info()
    }

    /// Whether `plain` is what runs (the default, or the fallback).
    pub fn is_plain(&self) -> bool {
        *self == Recipe::Plain
    }

    /// Whether the recipe builds in knowledge of the target's form (declared in its info entry).
    pub fn structure_aware(&self) -> bool {
        self.info().knowledge == Knowledge::StructureAware
    }

    /// `"generic"` or `"structure-aware"`, as every table, figure and paragraph labels it.
    pub fn kind(&self) -> &'static str {
        if self.structure_aware() { super::STRUCTURE_AWARE } else { "generic" }
    }

    /// The config name, e.g. `"triangle_curriculum"`.
    pub fn name(&self) -> &'static str {
        self.info().name
    }
}
