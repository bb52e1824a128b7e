//! API tokens as the API manages them: their state in an Organization, seeding, listing
//! with the document's filters, and what CreateApiToken, UpdateApiToken,
//! UpdateApiTokenRoles, RotateApiToken and DeleteApiToken change. The secrets are minted by
//! `crate::auth`; a token keeps only its current one.

use super::*;

/// The scopes of the document's `ApiToken.scope`.
pub const TOKEN_SCOPES: [&str; 3] = ["DEPLOYMENT", "WORKSPACE", "ORGANIZATION"];

/// The kinds of the document's `ApiToken.kind`.
pub const TOKEN_KINDS: [&str; 2] = ["STANDARD", "DIRECT_ACCESS"];

/// The entity types of the document's `ApiTokenRole.entityType`.
pub const TOKEN_ENTITY_TYPES: [&str; 5] =
    ["DEPLOYMENT", "WORKSPACE", "ORGANIZATION", "DAG", "DAG_TAG"];

/// One role of an API token, as the document's `ApiTokenRole`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRole {
    /// One of [`TOKEN_ENTITY_TYPES`].
    pub entity_type: &'static str,
    /// The Organization, Workspace or Deployment ID; the DAG ID (DAG); the tag (DAG_TAG).
    pub entity_id: String,
    pub role: String,
    /// The Deployment of a DAG or DAG_TAG role.
    pub deployment_id: Option<String>,
}

impl TokenRole {
    pub fn new(entity_type: &'static str, entity_id: &str, role: &str) -> TokenRole {
        TokenRole {
            entity_type,
            entity_id: entity_id.to_string(),
            role: role.to_string(),
            deployment_id: None,
        }
    }

    /// The document's `ApiTokenRole`.
    pub fn json(&self) -> Value {
        let mut v = json!({
            "entityType": self.entity_type,
            "entityId": self.entity_id,
            "role": self.role,
        });
        if let Some(d) = &self.deployment_id {
            v["deploymentId"] = json!(d);
        }
        v
    }

    /// The Deployment this role is in, for DEPLOYMENT, DAG and DAG_TAG roles.
    pub fn deployment(&self) -> Option<&str> {
        match self.entity_type {
            "DEPLOYMENT" => Some(&self.entity_id),
            "DAG" | "DAG_TAG" => self.deployment_id.as_deref(),
            _ => None,
        }
    }
}

/// An API token. Times are Unix seconds.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    /// Always present (the document requires it); `""` when none was given.
    pub description: String,
    pub kind: &'static str,
    pub scope: &'static str,
    /// What the scope names: the Organization, the Workspace or the Deployment ID.
    pub entity_id: String,
    /// Every role, the scope's own first as created.
    pub roles: Vec<TokenRole>,
    /// `tokenExpiryPeriodInDays` as created; `None`: never expires.
    pub expiry_days: Option<i64>,
    /// When the current value became valid (creation, then each rotation).
    pub start: i64,
    /// `start` plus the expiry period.
    pub end: Option<i64>,
    pub created: i64,
    pub updated: i64,
    /// Subject IDs: a user's, or an API token's.
    pub created_by: String,
    pub updated_by: String,
    pub last_used: Option<i64>,
    pub last_rotated: Option<i64>,
    pub rotations: u32,
    /// Set when it was deleted (it then sits in `Data::deleted_api_tokens`).
    pub deleted: Option<i64>,
    /// Identifies the current value without revealing it (the value's `jti`).
    pub short_token: String,
    /// The current value, the only one the emulator accepts for this token.
    pub secret: String,
}

impl ApiToken {
    /// Its ORGANIZATION role, if any.
    pub fn organization_role(&self) -> Option<&str> {
        self.roles
            .iter()
            .find(|r| r.entity_type == "ORGANIZATION")
            .map(|r| r.role.as_str())
    }

    /// Its role in a Workspace, if any.
    pub fn workspace_role(&self, workspace_id: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|r| r.entity_type == "WORKSPACE" && r.entity_id == workspace_id)
            .map(|r| r.role.as_str())
    }

    /// Whether it has a Deployment role, or a DAG role, in a Deployment.
    pub fn in_deployment(&self, deployment_id: &str) -> bool {
        self.roles
            .iter()
            .any(|r| r.deployment() == Some(deployment_id))
    }

    /// Whether `endAt` is at or before `now`.
    pub fn expired(&self, now: i64) -> bool {
        self.end.is_some_and(|end| end <= now)
    }

    /// The extra `permissions` entry of its secret for a narrower scope.
    pub fn scope_permission(&self) -> Option<String> {
        match self.scope {
            "WORKSPACE" => Some(format!("workspaceId:{}", self.entity_id)),
            "DEPLOYMENT" => Some(format!("deploymentId:{}", self.entity_id)),
            _ => None,
        }
    }

    /// Its roles as the document's `SubjectRoles` (UpdateApiTokenRoles' answer): the
    /// Organization role when it has one, and the three lists, always.
    pub fn subject_roles(&self) -> Value {
        let mut workspace_roles = vec![];
        let mut deployment_roles = vec![];
        let mut dag_roles = vec![];
        for r in &self.roles {
            match r.entity_type {
                "WORKSPACE" => {
                    workspace_roles.push(json!({"workspaceId": r.entity_id, "role": r.role}))
                }
                "DEPLOYMENT" => {
                    deployment_roles.push(json!({"deploymentId": r.entity_id, "role": r.role}))
                }
                "DAG" => dag_roles.push(json!({
                    "dagId": r.entity_id,
                    "deploymentId": r.deployment_id,
                    "role": r.role,
                })),
                "DAG_TAG" => dag_roles.push(json!({
                    "dagTag": r.entity_id,
                    "deploymentId": r.deployment_id,
                    "role": r.role,
                })),
                _ => {}
            }
        }
        let mut v = json!({
            "workspaceRoles": workspace_roles,
            "deploymentRoles": deployment_roles,
            "dagRoles": dag_roles,
        });
        if let Some(r) = self.organization_role() {
            v["organizationRole"] = json!(r);
        }
        v
    }
}

/// The fields CreateApiToken sets (validated: the role fits the scope, the Workspace or
/// Deployment exists).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub description: String,
    pub kind: &'static str,
    pub scope: &'static str,
    /// The Workspace or Deployment ID; ignored for ORGANIZATION.
    pub entity_id: String,
    pub role: String,
    pub expiry_days: Option<i64>,
}

/// ListApiTokens' filters (validated; IDs checked to exist).
#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    /// Tokens with a role in this Workspace.
    pub workspace_id: Option<String>,
    /// Tokens with a Deployment role, or a DAG role, in this Deployment.
    pub deployment_id: Option<String>,
    /// With `dag_tags`: tokens with a DAG role on this DAG, or a DAG_TAG role on one of
    /// the tags.
    pub dag_id: Option<String>,
    pub dag_tags: Vec<String>,
    /// Only ORGANIZATION-scoped tokens.
    pub only_organization: bool,
    pub kind: Option<String>,
}

impl Data {
    /// A live API token.
    pub fn api_token(&self, id: &str) -> Option<&ApiToken> {
        self.api_tokens.iter().find(|t| t.id == id)
    }

    pub fn api_token_mut(&mut self, id: &str) -> Option<&mut ApiToken> {
        self.api_tokens.iter_mut().find(|t| t.id == id)
    }

    /// A live API token, or a deleted one.
    pub fn api_token_any(&self, id: &str) -> Option<&ApiToken> {
        self.api_token(id)
            .or_else(|| self.deleted_api_tokens.iter().find(|t| t.id == id))
    }

    fn next_api_token_id(&mut self, at: i64) -> String {
        self.api_token_counter += 1;
        cuid(
            &format!("apitoken{}", self.kind_suffix),
            self.api_token_counter,
            at,
        )
    }

    /// The seed's API tokens (already validated), one hour apart from three days after the
    /// first user (IDs always from that timeline, so they are deterministic); a token with
    /// `createdDaysAgo` is created that long before `now` instead. Secrets are minted later.
    pub(super) fn seed_api_tokens(&mut self, seed: &SeedOrganization, epoch: i64, now: i64) {
        for (i, t) in seed.api_tokens.iter().enumerate() {
            let slot = epoch + 3 * 86_400 + 3600 * i as i64;
            let created = t
                .created_days_ago
                .map_or(slot, |d| now - (d * 86_400.0).round() as i64);
            let id = match &t.id {
                Some(id) => id.clone(),
                None => self.next_api_token_id(slot),
            };
            if t.id.is_some() {
                self.api_token_counter += 1;
            }
            let workspace_id = |name: &str| {
                self.workspaces
                    .iter()
                    .find(|w| w.name == name)
                    .map(|w| w.id.to_string())
                    .unwrap_or_default()
            };
            let deployment_id = |name: &str| {
                self.deployments
                    .iter()
                    .find(|d| d.name == name)
                    .map(|d| d.id.clone())
                    .unwrap_or_default()
            };
            let scope = known(&TOKEN_SCOPES, &t.scope).unwrap_or("ORGANIZATION");
            let (entity_type, entity_id) = match scope {
                "WORKSPACE" => (
                    "WORKSPACE",
                    workspace_id(t.workspace.as_deref().unwrap_or("")),
                ),
                "DEPLOYMENT" => (
                    "DEPLOYMENT",
                    deployment_id(t.deployment.as_deref().unwrap_or("")),
                ),
                _ => ("ORGANIZATION", self.org.id.clone()),
            };
            let mut roles = vec![TokenRole::new(entity_type, &entity_id, &t.role)];
            for r in &t.workspace_roles {
                roles.push(TokenRole::new(
                    "WORKSPACE",
                    &workspace_id(&r.workspace),
                    &r.role,
                ));
            }
            for r in &t.deployment_roles {
                roles.push(TokenRole::new(
                    "DEPLOYMENT",
                    &deployment_id(r.deployment.as_deref().unwrap_or("")),
                    &r.role,
                ));
            }
            let created_by = match &t.created_by {
                None => self.owner_id.clone(),
                Some(by) => match self.user_by_email(by) {
                    Some(u) => u.id.clone(),
                    None => self
                        .api_tokens
                        .iter()
                        .find(|e| &e.name == by)
                        .map(|e| e.id.clone())
                        .unwrap_or_else(|| self.owner_id.clone()),
                },
            };
            self.api_tokens.push(ApiToken {
                id,
                name: t.name.clone(),
                description: t.description.clone().unwrap_or_default(),
                kind: t
                    .kind
                    .as_deref()
                    .and_then(|k| known(&TOKEN_KINDS, k))
                    .unwrap_or("STANDARD"),
                scope,
                entity_id,
                roles,
                expiry_days: t.expiry_period_in_days,
                start: created,
                end: t.expiry_period_in_days.map(|d| created + d * 86_400),
                created,
                updated: created,
                updated_by: created_by.clone(),
                created_by,
                last_used: None,
                last_rotated: None,
                rotations: 0,
                deleted: None,
                short_token: String::new(),
                secret: String::new(),
            });
        }
    }

    /// ListApiTokens: filters (ANDed), then sorts (stable, creation order otherwise), then
    /// the page.
    pub fn list_api_tokens(&self, f: &TokenFilter, page: &Page) -> (usize, Vec<&ApiToken>) {
        let mut items: Vec<&ApiToken> = self
            .api_tokens
            .iter()
            .filter(|t| {
                f.workspace_id
                    .as_deref()
                    .is_none_or(|w| t.workspace_role(w).is_some())
            })
            .filter(|t| {
                f.deployment_id
                    .as_deref()
                    .is_none_or(|d| t.in_deployment(d))
            })
            .filter(|t| {
                (f.dag_id.is_none() && f.dag_tags.is_empty())
                    || t.roles.iter().any(|r| {
                        (r.entity_type == "DAG" && f.dag_id.as_deref() == Some(&r.entity_id))
                            || (r.entity_type == "DAG_TAG" && f.dag_tags.contains(&r.entity_id))
                    })
            })
            .filter(|t| !f.only_organization || t.scope == "ORGANIZATION")
            .filter(|t| f.kind.as_deref().is_none_or(|k| t.kind == k))
            .collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "name" => cmp_ci(&a.name, &b.name),
            "description" => cmp_ci(&a.description, &b.description),
            "createdAt" => a.created.cmp(&b.created),
            "updatedAt" => a.updated.cmp(&b.updated),
            "tokenStartAt" => a.start.cmp(&b.start),
            _ => Ordering::Equal,
        });
        let start = page.offset.min(items.len());
        let end = start.saturating_add(page.limit).min(items.len());
        (items.len(), items[start..end].to_vec())
    }

    /// CreateApiToken on validated input, by subject `by`, at `now`: listed last, its only
    /// role the one on its scope. Returns its ID; the secret is minted by the caller.
    pub fn create_api_token(&mut self, t: NewApiToken, by: &str, now: i64) -> String {
        let id = self.next_api_token_id(now);
        let (entity_type, entity_id) = match t.scope {
            "WORKSPACE" => ("WORKSPACE", t.entity_id),
            "DEPLOYMENT" => ("DEPLOYMENT", t.entity_id),
            _ => ("ORGANIZATION", self.org.id.clone()),
        };
        self.api_tokens.push(ApiToken {
            id: id.clone(),
            name: t.name,
            description: t.description,
            kind: t.kind,
            scope: t.scope,
            roles: vec![TokenRole::new(entity_type, &entity_id, &t.role)],
            entity_id,
            expiry_days: t.expiry_days,
            start: now,
            end: t.expiry_days.map(|d| now + d * 86_400),
            created: now,
            updated: now,
            created_by: by.to_string(),
            updated_by: by.to_string(),
            last_used: None,
            last_rotated: None,
            rotations: 0,
            deleted: None,
            short_token: String::new(),
            secret: String::new(),
        });
        id
    }

    /// UpdateApiToken: the name replaced, the description replaced when given (else kept).
    /// `None` when there is no such token.
    pub fn update_api_token(
        &mut self,
        id: &str,
        name: String,
        description: Option<String>,
        by: &str,
        now: i64,
    ) -> Option<()> {
        let t = self.api_token_mut(id)?;
        t.name = name;
        if let Some(d) = description {
            t.description = d;
        }
        t.updated = now;
        t.updated_by = by.to_string();
        Some(())
    }

    /// UpdateApiTokenRoles on validated input: the whole role list replaced.
    pub fn set_api_token_roles(
        &mut self,
        id: &str,
        roles: Vec<TokenRole>,
        by: &str,
        now: i64,
    ) -> Option<Value> {
        let t = self.api_token_mut(id)?;
        t.roles = roles;
        t.updated = now;
        t.updated_by = by.to_string();
        Some(t.subject_roles())
    }

    /// RotateApiToken's change of state: the validity starts again at `now` (and ends the
    /// expiry period later). The caller mints the new secret and sets it.
    pub fn rotate_api_token(&mut self, id: &str, by: &str, now: i64) -> Option<&mut ApiToken> {
        let t = self.api_token_mut(id)?;
        t.start = now;
        t.end = t.expiry_days.map(|d| now + d * 86_400);
        t.last_rotated = Some(now);
        t.rotations += 1;
        t.updated = now;
        t.updated_by = by.to_string();
        Some(t)
    }

    /// DeleteApiToken: the token goes (to `deleted_api_tokens`, for the handle and for
    /// profiles of what it created); its secret stops working. Whether it was there.
    pub fn delete_api_token(&mut self, id: &str, now: i64) -> bool {
        let Some(pos) = self.api_tokens.iter().position(|t| t.id == id) else {
            return false;
        };
        let mut t = self.api_tokens.remove(pos);
        t.deleted = Some(now);
        self.deleted_api_tokens.push(t);
        true
    }

    /// A deleted Workspace: the tokens scoped to it go, the others lose their roles in it.
    pub(super) fn forget_workspace_in_api_tokens(&mut self, workspace_id: &str, now: i64) {
        let gone: Vec<String> = self
            .api_tokens
            .iter()
            .filter(|t| t.scope == "WORKSPACE" && t.entity_id == workspace_id)
            .map(|t| t.id.clone())
            .collect();
        for id in gone {
            self.delete_api_token(&id, now);
        }
        for t in &mut self.api_tokens {
            t.roles
                .retain(|r| !(r.entity_type == "WORKSPACE" && r.entity_id == workspace_id));
        }
    }

    /// The document's `ApiToken`; `token` (the secret) only when `with_secret`, which
    /// CreateApiToken and RotateApiToken alone ask for.
    pub fn api_token_json(&self, t: &ApiToken, with_secret: bool) -> Value {
        let mut v = json!({
            "id": t.id,
            "name": t.name,
            "description": t.description,
            "kind": t.kind,
            "scope": t.scope,
            "shortToken": t.short_token,
            "startAt": rfc3339(t.start),
            "createdAt": rfc3339(t.created),
            "updatedAt": rfc3339(t.updated),
            "createdBy": self.subject_profile(&t.created_by),
            "updatedBy": self.subject_profile(&t.updated_by),
            "roles": t.roles.iter().map(TokenRole::json).collect::<Vec<_>>(),
        });
        if let Some(end) = t.end {
            v["endAt"] = json!(rfc3339(end));
        }
        if let Some(days) = t.expiry_days {
            v["expiryPeriodInDays"] = json!(days);
        }
        if let Some(used) = t.last_used {
            v["lastUsedAt"] = json!(rfc3339(used));
        }
        if let Some(rotated) = t.last_rotated {
            v["lastRotatedAt"] = json!(rfc3339(rotated));
        }
        if with_secret {
            v["token"] = json!(t.secret);
        }
        v
    }
}
