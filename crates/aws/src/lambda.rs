//! Lambda: what Config does not record about functions.

use ourside_core::facts::EventInvokeConfig;

use crate::error::AwsError;
use crate::ports::LambdaReader;

#[derive(Debug, Clone)]
pub struct LambdaApi {
    client: aws_sdk_lambda::Client,
}

impl LambdaApi {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        LambdaApi {
            client: aws_sdk_lambda::Client::new(sdk),
        }
    }
}

impl LambdaReader for LambdaApi {
    async fn environment(&self, function: &str) -> Result<Vec<(String, String)>, AwsError> {
        const OP: &str = "lambda:GetFunctionConfiguration";
        let output = self
            .client
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let Some(environment) = output.environment() else {
            return Ok(Vec::new());
        };
        if let Some(error) = environment.error() {
            return Err(AwsError::new(
                OP,
                false,
                format!(
                    "the environment cannot be read: {} {}",
                    error.error_code().unwrap_or_default(),
                    error.message().unwrap_or_default()
                ),
            ));
        }
        let mut variables: Vec<(String, String)> = environment
            .variables()
            .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        variables.sort();
        Ok(variables)
    }

    async fn event_invoke_config(
        &self,
        function: &str,
    ) -> Result<Option<EventInvokeConfig>, AwsError> {
        const OP: &str = "lambda:GetFunctionEventInvokeConfig";
        let output = AwsError::or_absent(
            OP,
            "ResourceNotFoundException",
            self.client
                .get_function_event_invoke_config()
                .function_name(function)
                .send()
                .await,
        )?;
        Ok(output.map(|o| EventInvokeConfig {
            on_failure_destination: o
                .destination_config()
                .and_then(|d| d.on_failure())
                .and_then(|f| f.destination())
                .map(str::to_string),
        }))
    }
}
