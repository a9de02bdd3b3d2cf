//! A remote server's sign-in while claw talks to it: the token each request carries, renewed
//! before it expires and when the server calls it invalid (refresh once, send again once), and
//! a new authorization when the server asks for more scopes (step-up, a limited number of
//! times). What happens is told to the server list ([`AuthEvent`]) so the user sees the browser
//! step and, when the sign-in is lost, why.

use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::discovery::{challenge, names_new_scopes};
use super::{AuthSettings, Grant, OAuthError, Saved, SignIn};

/// Step-ups one request may start: a server that keeps refusing is not asked forever (the
/// conformance suite's `auth/scope-retry-limit` allows three authorizations in all).
const MAX_STEP_UPS: usize = 2;

/// What a server's sign-in tells the server list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthEvent {
    /// A new authorization is under way in the browser at this URL (more scopes were asked).
    SigningIn(String),
    /// That authorization ended (signed in, refused, or given up); the server carries on.
    SignInEnded,
    /// The user must sign in: why (None: claw was never signed in), and the server's challenge.
    Lost {
        why: Option<String>,
        challenge: String,
    },
}

pub type AuthEvents = Arc<dyn Fn(AuthEvent) + Send + Sync>;

/// How the server refused a request.
pub enum Refusal<'a> {
    /// 401, with its `WWW-Authenticate`.
    Unauthorized(&'a str),
    /// 403 `insufficient_scope`, with its `WWW-Authenticate`.
    InsufficientScope(&'a str),
}

/// Whether a refused request may start a new authorization (requests may; the standalone
/// event stream may not: it follows what requests do).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StepUp {
    Allowed,
    Never,
}

/// What one request tried so far.
#[derive(Default)]
pub struct Attempt {
    renewed: bool,
    step_ups: usize,
    last_challenge: Option<String>,
}

/// One server's sign-in, shared by every request to it.
pub struct Credentials {
    settings: AuthSettings,
    server: String,
    url: String,
    current: Mutex<Current>,
    /// Held while the token is renewed, so concurrent requests renew it once.
    renewing: tokio::sync::Mutex<()>,
    events: AuthEvents,
    /// The URL of the authorization under way, for the calls that wait for it.
    signing_in: watch::Sender<Option<String>>,
    /// Why the last renewal or step-up failed (for the failed call's message).
    problem: Mutex<Option<String>>,
}

#[derive(Default)]
struct Current {
    saved: Option<Saved>,
    /// Bumped whenever the token changes: a request refused with an older token just retries.
    generation: u64,
}

impl Credentials {
    /// The sign-in of the server `server` at `url`, starting from the one kept last session.
    pub fn new(settings: AuthSettings, server: &str, url: &str, events: AuthEvents) -> Arc<Self> {
        let saved = super::kept(&settings, url);
        Arc::new(Credentials {
            settings,
            server: server.to_string(),
            url: url.to_string(),
            current: Mutex::new(Current {
                saved,
                generation: 0,
            }),
            renewing: tokio::sync::Mutex::new(()),
            events,
            signing_in: watch::channel(None).0,
            problem: Mutex::new(None),
        })
    }

    /// The URL of the authorization under way (None: none), as it changes.
    pub fn signing_in(&self) -> watch::Receiver<Option<String>> {
        self.signing_in.subscribe()
    }

    /// Why the last renewal or step-up failed, once.
    pub fn take_problem(&self) -> Option<String> {
        self.problem.lock().ok()?.take()
    }

    fn snapshot(&self) -> (Option<Saved>, u64) {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        (current.saved.clone(), current.generation)
    }

    fn replace(&self, saved: Option<Saved>) {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        current.saved = saved;
        current.generation += 1;
    }

    fn note(&self, problem: &str) {
        if let Ok(mut slot) = self.problem.lock() {
            *slot = Some(problem.to_string());
        }
    }

    /// Whether the server's entry configures a client that gets its tokens without the browser
    /// (client credentials, cross-app access): a renewal is a new grant.
    fn machine(&self) -> bool {
        self.settings.clients.iter().any(|(name, c)| {
            *name == self.server
                && match c.grant {
                    Grant::ClientCredentials | Grant::CrossAppAccess => true,
                    Grant::AuthorizationCode => false,
                }
        })
    }

    /// The token to send (renewed first when it has expired) and its generation.
    pub async fn token(&self) -> (Option<String>, u64) {
        let (saved, generation) = self.snapshot();
        if saved.as_ref().is_some_and(super::expired) {
            // A failed renewal leaves no token: the server's 401 then says what to do.
            let _ = self.renew(generation, "").await;
            let (saved, generation) = self.snapshot();
            return (saved.map(|s| s.access_token), generation);
        }
        (saved.map(|s| s.access_token), generation)
    }

    /// Renews the token of `generation` unless another request already did: with the refresh
    /// token, or for a machine client with a new grant. Err: why it cannot.
    async fn renew(&self, generation: u64, www_authenticate: &str) -> Result<(), String> {
        let _turn = self.renewing.lock().await;
        let (saved, now) = self.snapshot();
        if now != generation {
            return Ok(());
        }
        let renewed = if self.machine() {
            let request = SignIn {
                server: &self.server,
                server_url: &self.url,
                www_authenticate,
                held_scope: None,
            };
            super::sign_in(&self.settings, &request, &|_| {}).await
        } else {
            match &saved {
                Some(saved) if saved.refresh_token.is_some() => super::refresh(saved).await,
                Some(_) => Err(OAuthError::Token(
                    "the token expired and the server gave no refresh token".into(),
                )),
                None => Err(OAuthError::Token("claw is not signed in".into())),
            }
        };
        match renewed {
            Ok(saved) => {
                super::keep(&self.settings, &saved);
                self.replace(Some(saved));
                Ok(())
            }
            Err(error) => {
                super::forget(&self.settings, &self.url);
                self.replace(None);
                let why = format!("the sign-in could not be renewed ({error})");
                self.note(&why);
                Err(why)
            }
        }
    }

    /// A new authorization for the scopes held and those `www_authenticate` asks for.
    async fn step_up(&self, generation: u64, www_authenticate: &str) -> Result<(), String> {
        let _turn = self.renewing.lock().await;
        let (saved, now) = self.snapshot();
        if now != generation {
            return Ok(());
        }
        let held = saved.and_then(|s| s.scope);
        let request = SignIn {
            server: &self.server,
            server_url: &self.url,
            www_authenticate,
            held_scope: held.as_deref(),
        };
        let shown = ShownUrl(self);
        // The server's state first, then the waiting calls: they find it showing the URL.
        let on_url = |url: &str| {
            (self.events)(AuthEvent::SigningIn(url.to_string()));
            self.signing_in.send_replace(Some(url.to_string()));
        };
        let outcome = super::sign_in(&self.settings, &request, &on_url).await;
        drop(shown);
        match outcome {
            Ok(saved) => {
                self.replace(Some(saved));
                Ok(())
            }
            Err(error) => {
                let why = format!("the server asked for more permissions: {error}");
                self.note(&why);
                Err(why)
            }
        }
    }

    /// After the server refused a request sent with `sent_token` of `generation`: renews the
    /// token or asks for more scopes as the refusal says. True: send the request again.
    pub async fn after_refusal(
        &self,
        refusal: Refusal<'_>,
        sent_token: bool,
        generation: u64,
        attempt: &mut Attempt,
        step_up: StepUp,
    ) -> bool {
        match refusal {
            Refusal::Unauthorized(header) => {
                let held = self.snapshot().0.and_then(|s| s.scope);
                let wanted = challenge(header).scope;
                if sent_token
                    && step_up == StepUp::Allowed
                    && names_new_scopes(wanted.as_deref(), held.as_deref())
                {
                    return self.try_step_up(header, generation, attempt).await;
                }
                if (sent_token || self.machine()) && !attempt.renewed {
                    attempt.renewed = true;
                    match self.renew(generation, header).await {
                        Ok(()) => return true,
                        Err(why) => {
                            self.lost(Some(why), header);
                            return false;
                        }
                    }
                }
                let why = sent_token.then(|| "the server refused the renewed token".to_string());
                self.lost(why, header);
                false
            }
            Refusal::InsufficientScope(header) => {
                step_up == StepUp::Allowed && self.try_step_up(header, generation, attempt).await
            }
        }
    }

    async fn try_step_up(&self, header: &str, generation: u64, attempt: &mut Attempt) -> bool {
        // The same refusal after a step-up means more scopes will not help.
        if attempt.step_ups >= MAX_STEP_UPS || attempt.last_challenge.as_deref() == Some(header) {
            return false;
        }
        attempt.step_ups += 1;
        attempt.last_challenge = Some(header.to_string());
        self.step_up(generation, header).await.is_ok()
    }

    fn lost(&self, why: Option<String>, challenge: &str) {
        if let Some(why) = &why {
            self.note(why);
        }
        (self.events)(AuthEvent::Lost {
            why,
            challenge: challenge.to_string(),
        });
    }
}

/// Clears the shown URL when an authorization ends, however it ends (a call cancelled with
/// Esc drops it half-way).
struct ShownUrl<'a>(&'a Credentials);

impl Drop for ShownUrl<'_> {
    fn drop(&mut self) {
        if self.0.signing_in.send_replace(None).is_some() {
            (self.0.events)(AuthEvent::SignInEnded);
        }
    }
}
