//! The ConfigMap one app alone uses, as its `config_data`.

use super::app::{App, Attribute};
use super::common::{scalar_string, take_identity};
use super::fields::Fields;
use crate::path::FieldPath;

pub fn read_config_map(fields: &mut Fields, app: &mut App) {
    take_identity(fields);
    let data = FieldPath::of_keys(&["data"]);
    for key in fields.keys(&data) {
        if let Some(value) = fields.peek(&data.key(&key)).and_then(scalar_string) {
            fields.take(&data.key(&key));
            app.insert(Attribute::ConfigData, &key, &value);
        }
    }
    if fields.keys(&data).is_empty() {
        fields.mark(&data);
    }
}
