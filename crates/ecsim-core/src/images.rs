//! Container images as lists of layers with sizes, from the registries that hold them.
//!
//! Real images share base layers (an `amazonlinux` or `node` base under many application images),
//! and a host that holds a layer does not fetch it again; so a scenario lists each image's layers
//! by an id, and the same id in two images is the same layer. An image given only a `size_mib` is
//! one layer of its own; an image the scenario does not list is one layer of the model's
//! `default_image_mib`. ECR's largest layer is 52,000 MiB (docs/ecs-facts.md §9 "Size limits").

use crate::error::FieldError;
use crate::registry::registry_of;
use crate::units::{ImageId, LayerId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// docs/ecs-facts.md §9 "Size limits": max layer 52,000 MiB.
pub const MAX_LAYER_MIB: f64 = 52_000.0;

/// An image as a scenario lists it: by `size_mib` (one layer), or by `layers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// The image reference as task definitions name it.
    pub image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_mib: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<LayerSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// The layer's digest or any name; equal ids in two images are one shared layer.
    pub id: String,
    pub size_mib: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub reference: String,
    /// The registry host (`registry::registry_of`).
    pub registry: String,
    /// Base first, as the manifest lists them.
    pub layers: Vec<LayerId>,
    pub size_mib: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub id: String,
    pub size_mib: f64,
}

/// Every image a scenario's task definitions use, with their layers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageCatalog {
    images: Vec<Image>,
    layers: Vec<Layer>,
    by_ref: BTreeMap<String, ImageId>,
    by_layer: BTreeMap<String, LayerId>,
}

impl ImageCatalog {
    /// Builds the catalogue from the scenario's `images` and every image task definitions
    /// reference (`used`), unlisted ones taking `default_mib`.
    pub fn build<'a>(
        specs: &[ImageSpec],
        used: impl IntoIterator<Item = &'a str>,
        default_mib: f64,
    ) -> Result<ImageCatalog, FieldError> {
        let mut c = ImageCatalog::default();
        for (i, s) in specs.iter().enumerate() {
            let p = |f: &str| format!("images[{i}].{f}");
            if s.image.trim().is_empty() {
                return Err(FieldError::new(p("image"), "must not be empty"));
            }
            if c.by_ref.contains_key(&s.image) {
                return Err(FieldError::new(
                    p("image"),
                    format!("{:?} is listed twice", s.image),
                ));
            }
            let layers: Vec<LayerSpec> =
                match (s.size_mib, s.layers.is_empty()) {
                    (Some(_), false) => return Err(FieldError::new(
                        p("layers"),
                        "give size_mib or layers, not both (an image's size is its layers' sum)",
                    )),
                    (Some(m), true) => vec![LayerSpec {
                        id: s.image.clone(),
                        size_mib: m,
                    }],
                    (None, true) => {
                        return Err(FieldError::new(
                            p("size_mib"),
                            "an image needs size_mib or layers",
                        ))
                    }
                    (None, false) => s.layers.clone(),
                };
            let mut ids = Vec::new();
            for (j, l) in layers.iter().enumerate() {
                let lp = if s.layers.is_empty() {
                    p("size_mib")
                } else {
                    p(&format!("layers[{j}].size_mib"))
                };
                if !(l.size_mib.is_finite() && (0.0..=MAX_LAYER_MIB).contains(&l.size_mib)) {
                    return Err(FieldError::new(
                        lp,
                        format!(
                            "{} must be 0..={MAX_LAYER_MIB} MiB (ECR's largest layer)",
                            l.size_mib
                        ),
                    ));
                }
                if l.id.trim().is_empty() {
                    return Err(FieldError::new(
                        p(&format!("layers[{j}].id")),
                        "must not be empty",
                    ));
                }
                let id = c
                    .add_layer(&l.id, l.size_mib)
                    .map_err(|m| FieldError::new(lp, m))?;
                if ids.contains(&id) {
                    return Err(FieldError::new(
                        p(&format!("layers[{j}].id")),
                        format!("layer {:?} appears twice in this image", l.id),
                    ));
                }
                ids.push(id);
            }
            c.add_image(&s.image, ids);
        }
        for im in used {
            if !c.by_ref.contains_key(im) {
                let l = c
                    .add_layer(&format!("{im} (unlisted)"), default_mib)
                    .map_err(|m| FieldError::new("model.default_image_mib", m))?;
                c.add_image(im, vec![l]);
            }
        }
        Ok(c)
    }

    fn add_layer(&mut self, id: &str, size_mib: f64) -> Result<LayerId, String> {
        if let Some(&l) = self.by_layer.get(id) {
            let known = self.layers[l.index()].size_mib;
            if known != size_mib {
                return Err(format!(
                    "layer {id:?} is {size_mib} MiB here but {known} MiB in an earlier image; a shared layer has one size"
                ));
            }
            return Ok(l);
        }
        let l = LayerId(self.layers.len() as u32);
        self.layers.push(Layer {
            id: id.to_string(),
            size_mib,
        });
        self.by_layer.insert(id.to_string(), l);
        Ok(l)
    }

    fn add_image(&mut self, reference: &str, layers: Vec<LayerId>) {
        let size_mib = layers.iter().map(|l| self.layers[l.index()].size_mib).sum();
        let id = ImageId(self.images.len() as u32);
        self.images.push(Image {
            reference: reference.to_string(),
            registry: registry_of(reference).to_string(),
            layers,
            size_mib,
        });
        self.by_ref.insert(reference.to_string(), id);
    }

    pub fn id(&self, reference: &str) -> Option<ImageId> {
        self.by_ref.get(reference).copied()
    }

    pub fn image(&self, id: ImageId) -> &Image {
        &self.images[id.index()]
    }

    pub fn layer(&self, id: LayerId) -> &Layer {
        &self.layers[id.index()]
    }

    pub fn image_count(&self) -> usize {
        self.images.len()
    }

    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(image: &str, layers: &[(&str, f64)]) -> ImageSpec {
        ImageSpec {
            image: image.into(),
            size_mib: None,
            layers: layers
                .iter()
                .map(|&(id, size_mib)| LayerSpec {
                    id: id.into(),
                    size_mib,
                })
                .collect(),
        }
    }

    #[test]
    fn images_share_base_layers_by_id() {
        let c = ImageCatalog::build(
            &[
                spec("web:v1", &[("al2023", 50.0), ("web-v1", 300.0)]),
                spec("web:v2", &[("al2023", 50.0), ("web-v2", 310.0)]),
            ],
            ["web:v1", "sidecar:1"],
            200.0,
        )
        .unwrap();
        let (a, b) = (c.id("web:v1").unwrap(), c.id("web:v2").unwrap());
        assert_eq!(c.image(a).layers[0], c.image(b).layers[0]);
        assert_eq!(c.image(b).size_mib, 360.0);
        assert_eq!(c.layer_count(), 4, "al2023, web-v1, web-v2, sidecar:1");
        let side = c.id("sidecar:1").unwrap();
        assert_eq!(c.image(side).size_mib, 200.0);
        assert_eq!(c.image(side).registry, "docker.io");
    }

    #[test]
    fn a_shared_layer_has_one_size() {
        let e = ImageCatalog::build(
            &[spec("a", &[("base", 50.0)]), spec("b", &[("base", 60.0)])],
            [],
            1.0,
        )
        .unwrap_err();
        assert_eq!(e.path, "images[1].layers[0].size_mib");
        let both = ImageSpec {
            size_mib: Some(3.0),
            ..spec("c", &[("x", 1.0)])
        };
        let e = ImageCatalog::build(&[both], [], 1.0).unwrap_err();
        assert_eq!(e.path, "images[0].layers");
    }
}
