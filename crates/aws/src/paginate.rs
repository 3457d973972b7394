//! Paging through list APIs. Services spell the token differently (`NextToken`; `Marker`, with
//! `IsTruncated` in IAM); the loop is the same.

use std::future::Future;

use crate::error::AwsError;

/// One page of a listing: its items and the token of the next page, if any.
pub(crate) type Page<T> = (Vec<T>, Option<String>);

/// Calls `fetch` with each page's token (none for the first page) until a page names no next
/// one, and returns every item in order. An empty token ends the listing too. A service that
/// hands back a token it gave before would keep this looping: that is an error.
pub(crate) async fn all_pages<T, F, Fut>(
    operation: &'static str,
    mut fetch: F,
) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let (page, next) = fetch(token.clone()).await?;
        items.extend(page);
        match next.filter(|t| !t.is_empty()) {
            None => return Ok(items),
            Some(next) if !seen.insert(next.clone()) => {
                return Err(AwsError::new(
                    operation,
                    false,
                    format!("the service returned a page token it gave before ({next})"),
                ))
            }
            Some(next) => token = Some(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn every_page_in_order_then_stop() {
        let items = all_pages("test:List", |token| async move {
            Ok(match token.as_deref() {
                None => (vec![1, 2], Some("b".to_string())),
                Some("b") => (vec![3], Some(String::new())),
                other => panic!("unexpected token {other:?}"),
            })
        })
        .await
        .unwrap();
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_repeated_token_is_an_error_not_a_loop() {
        let err = all_pages("test:List", |_| async {
            Ok((vec![0], Some("same".to_string())))
        })
        .await
        .unwrap_err();
        assert_eq!(err.operation, "test:List");
        assert!(err.message.contains("same"), "{err}");
        // A → B → A cycles too.
        let err = all_pages("test:List", |token| async move {
            let next = if token.as_deref() == Some("a") {
                "b"
            } else {
                "a"
            };
            Ok((vec![0], Some(next.to_string())))
        })
        .await
        .unwrap_err();
        assert!(err.message.contains("gave before"), "{err}");
    }
}
