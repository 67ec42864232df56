//! How a connection proves who it is. The schemes and the OAuth life cycle arrive with the OAuth issue.
