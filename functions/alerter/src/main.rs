//! The alerter's Lambda entry point: the SNS client and the alert policy are set up once, then
//! each SQS batch is handed to [`ourside_alerter::handle`].

use ourside_alerter::{env, handle, policy_from};
use ourside_aws::clients::Settings;
use ourside_aws::sns::SnsTopic;
use ourside_lambda::StartupError;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ourside_lambda::Error> {
    ourside_aws::logging::init();
    let settings = Settings::from_env()?;
    let topic_arn = std::env::var(env::TOPIC_ARN).map_err(|_| {
        StartupError(format!(
            "{} is not set: the alert topic's ARN",
            env::TOPIC_ARN
        ))
    })?;
    let policy = policy_from(|name| std::env::var(name).ok()).map_err(StartupError)?;
    let topic = SnsTopic::new(&settings.sdk_config(), topic_arn);
    ourside_lambda::serve_json(|event, run| {
        let (topic, policy) = (&topic, &policy);
        async move {
            handle(&event, topic, policy, run)
                .await
                .map(|alerted| alerted.response)
        }
    })
    .await
}
