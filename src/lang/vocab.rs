//! Enumerated words with their order and properties. Each enum lists its words in the order the
//! language ranks them; `WORDS` is what the language table (`syntax::schema`) accepts.

/// Declares an enum of language words, in rank order, with `WORDS`, `word`, `parse` and `rank`.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every word, in rank order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The words as written in `.arch` files, in rank order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub const fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Position in rank order, from 0.
            pub const fn rank(self) -> usize {
                self as usize
            }

            pub fn from_rank(rank: usize) -> Option<$name> {
                Self::ALL.get(rank).copied()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

words! {
    /// How far a zone is trusted.
    Trust { None = "none", Low = "low", Medium = "medium", High = "high", Full = "full" }
}

words! {
    /// How bad it is when an element fails or data is tampered with.
    Criticality {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
        MissionCritical = "mission-critical",
    }
}

words! {
    /// How confidential data is.
    Classification { Public = "public", Internal = "internal", Confidential = "confidential", Restricted = "restricted" }
}

words! {
    /// Authentication schemes, in the order the language lists them (see [`AuthScheme::strength`]).
    AuthScheme {
        None = "none",
        ApiKey = "api-key",
        Basic = "basic",
        Session = "session",
        Jwt = "jwt",
        Oauth2 = "oauth2",
        Oidc = "oidc",
        Mtls = "mtls",
        Hmac = "hmac",
        Saml = "saml",
        Mfa = "mfa",
        ServiceToken = "service-token",
    }
}

impl AuthScheme {
    /// Relative strength, for `min-auth`: none 0; shared secrets 1; sessions, HMAC and service
    /// tokens 2; signed tokens, federation and mutual TLS 3; multi-factor 4.
    pub const fn strength(self) -> u8 {
        match self {
            AuthScheme::None => 0,
            AuthScheme::ApiKey | AuthScheme::Basic => 1,
            AuthScheme::Session | AuthScheme::Hmac | AuthScheme::ServiceToken => 2,
            AuthScheme::Jwt | AuthScheme::Oauth2 | AuthScheme::Oidc | AuthScheme::Saml | AuthScheme::Mtls => 3,
            AuthScheme::Mfa => 4,
        }
    }

    /// A way for a person to log in (API keys, HMAC, mTLS and service tokens authenticate software).
    pub const fn is_human_login(self) -> bool {
        matches!(
            self,
            AuthScheme::Basic
                | AuthScheme::Session
                | AuthScheme::Jwt
                | AuthScheme::Oauth2
                | AuthScheme::Oidc
                | AuthScheme::Saml
                | AuthScheme::Mfa
        )
    }
}

/// How a protocol carries data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// Never leaves the process or host.
    Local,
    Plaintext,
    Encrypted,
}

words! {
    /// Wire protocols a link may name.
    Protocol {
        Https = "https",
        Http = "http",
        Http2 = "http2",
        Grpc = "grpc",
        Grpcs = "grpcs",
        Ws = "ws",
        Wss = "wss",
        Amqp = "amqp",
        Amqps = "amqps",
        Kafka = "kafka",
        KafkaTls = "kafka-tls",
        Mqtt = "mqtt",
        Mqtts = "mqtts",
        Tcp = "tcp",
        Tls = "tls",
        Postgres = "postgres",
        PostgresTls = "postgres-tls",
        Mysql = "mysql",
        MysqlTls = "mysql-tls",
        Jdbc = "jdbc",
        Redis = "redis",
        Rediss = "rediss",
        Smtp = "smtp",
        Smtps = "smtps",
        Sftp = "sftp",
        Ftp = "ftp",
        Ldap = "ldap",
        Ldaps = "ldaps",
        S3 = "s3",
        InProcess = "in-process",
        File = "file",
        Mtls = "mtls",
    }
}

impl Protocol {
    pub const fn transport(self) -> Transport {
        use Protocol::*;
        match self {
            InProcess | File => Transport::Local,
            Http | Http2 | Grpc | Ws | Amqp | Kafka | Mqtt | Tcp | Postgres | Mysql | Jdbc | Redis | Smtp | Ftp
            | Ldap => Transport::Plaintext,
            Https | Grpcs | Wss | Amqps | KafkaTls | Mqtts | Tls | PostgresTls | MysqlTls | Rediss | Smtps | Sftp
            | Ldaps | S3 | Mtls => Transport::Encrypted,
        }
    }

    /// HTTP in any version, or WebSockets: what a web application firewall can inspect.
    pub const fn is_web(self) -> bool {
        matches!(self, Protocol::Http | Protocol::Https | Protocol::Http2 | Protocol::Ws | Protocol::Wss)
    }

    /// The TLS variant of a plaintext protocol, when there is one.
    pub const fn tls_variant(self) -> Option<Protocol> {
        use Protocol::*;
        Some(match self {
            Http => Https,
            Ws => Wss,
            Amqp => Amqps,
            Kafka => KafkaTls,
            Mqtt => Mqtts,
            Tcp => Tls,
            Postgres => PostgresTls,
            Mysql => MysqlTls,
            Redis => Rediss,
            Smtp => Smtps,
            Ftp => Sftp,
            Ldap => Ldaps,
            _ => return None,
        })
    }
}

/// How a protocol named by its word carries data; `None` for a word the language does not know.
pub fn transport_of(word: &str) -> Option<Transport> {
    Protocol::parse(word).map(Protocol::transport)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_in_rank_order() {
        for (i, t) in Trust::ALL.iter().enumerate() {
            assert_eq!(Trust::parse(t.word()), Some(*t));
            assert_eq!(t.rank(), i);
        }
        assert!(Classification::Restricted > Classification::Confidential);
        assert_eq!(Criticality::parse("mission-critical"), Some(Criticality::MissionCritical));
        assert_eq!(Classification::parse("secret"), None);
    }

    #[test]
    fn every_plaintext_protocol_but_a_few_has_a_tls_variant_that_encrypts() {
        for p in Protocol::ALL {
            match (p.transport(), p.tls_variant()) {
                (Transport::Plaintext, Some(v)) => assert_eq!(v.transport(), Transport::Encrypted, "{p}"),
                (Transport::Plaintext, None) => {
                    assert!(matches!(p, Protocol::Http2 | Protocol::Grpc | Protocol::Jdbc), "{p}")
                }
                (_, v) => assert_eq!(v, None, "{p}"),
            }
        }
        assert_eq!(transport_of("in-process"), Some(Transport::Local));
        assert_eq!(transport_of("carrier-pigeon"), None);
    }

    #[test]
    fn authentication_strength_orders_schemes() {
        assert!(AuthScheme::Mfa.strength() > AuthScheme::Jwt.strength());
        assert!(AuthScheme::ApiKey.strength() > AuthScheme::None.strength());
        assert!(AuthScheme::Oidc.is_human_login() && !AuthScheme::Mtls.is_human_login());
    }
}
