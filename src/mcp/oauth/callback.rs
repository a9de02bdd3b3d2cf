//! The loopback end of the browser step: a one-shot HTTP server on 127.0.0.1 that waits for the
//! authorization server's redirect (`/callback?code=…&state=…`) and tells the browser it can
//! close the tab.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Callback {
    pub async fn bind() -> std::io::Result<Callback> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        Ok(Callback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    /// The code of the redirect carrying `state`; Err: what the authorization server said.
    /// Other requests (a favicon, a stray visit) are answered and ignored.
    pub async fn code(self, state: &str) -> Result<String, String> {
        loop {
            let (mut stream, _) = self.listener.accept().await.map_err(|e| e.to_string())?;
            let mut request = vec![0u8; 8192];
            let n = stream.read(&mut request).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]).into_owned();
            let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let Ok(url) = reqwest::Url::parse(&format!("http://127.0.0.1{target}")) else {
                continue;
            };
            let param = |key: &str| {
                url.query_pairs()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.into_owned())
            };
            if url.path() != "/callback" || param("state").as_deref() != Some(state) {
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
                continue;
            }
            let outcome = match (param("code"), param("error")) {
                (Some(code), None) => Ok(code),
                (_, Some(error)) => Err(match param("error_description") {
                    Some(why) => format!("{error}: {why}"),
                    None => error,
                }),
                (None, None) => Err("the redirect carried no code".to_string()),
            };
            let page = match &outcome {
                Ok(_) => "claw is signed in. You can close this tab.".to_string(),
                Err(why) => format!("Sign-in failed: {why}"),
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
            return outcome;
        }
    }
}
