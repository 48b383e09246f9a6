//! Values documents: YAML values files and the `--set` family, parsed the way Helm does.

use serde_json::Value;

use crate::args;
use crate::error::HelmError;
use crate::ffi::SetParser;
use crate::sdk::HelmSdk;

impl HelmSdk {
    /// Parses a YAML values document (a `-f`/`--values` file) into JSON.
    pub fn values_from_yaml(&self, yaml: &str) -> Result<Value, HelmError> {
        let result = self.ffi().values_from_yaml(&args::text("values YAML", yaml)?)?;
        args::parse("values from yaml", &result)
    }

    /// `--set`: `a=1,b.c=two,ports={80,443}` into a JSON object (numbers and booleans typed).
    pub fn strvals_parse(&self, expression: &str) -> Result<Value, HelmError> {
        self.parse_set(SetParser::Set, expression)
    }

    /// `--set-string`: every value stays a string (`port=80` gives `{"port":"80"}`).
    pub fn strvals_parse_string(&self, expression: &str) -> Result<Value, HelmError> {
        self.parse_set(SetParser::SetString, expression)
    }

    /// `--set-json`: each value is a JSON document (`a={"b":[1,2]}`).
    pub fn strvals_parse_json(&self, expression: &str) -> Result<Value, HelmError> {
        self.parse_set(SetParser::SetJson, expression)
    }

    /// `--set-literal`: the value is taken verbatim (`a=b,c=d` gives `{"a":"b,c=d"}`).
    pub fn strvals_parse_literal(&self, expression: &str) -> Result<Value, HelmError> {
        self.parse_set(SetParser::SetLiteral, expression)
    }

    /// `--set-file`: each value names a file whose contents become the value.
    pub fn strvals_parse_file(&self, expression: &str) -> Result<Value, HelmError> {
        self.parse_set(SetParser::SetFile, expression)
    }

    fn parse_set(&self, parser: SetParser, expression: &str) -> Result<Value, HelmError> {
        let result = self.ffi().parse_set(parser, &args::text("--set expression", expression)?)?;
        args::parse("strvals parse", &result)
    }
}
