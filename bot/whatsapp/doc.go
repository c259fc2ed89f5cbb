// Package whatsapp speaks Meta's WhatsApp Cloud API and nothing else.
//
// It owns the wire formats on both sides: it verifies and decodes webhook
// POSTs into the project's own types (Batch, Message, Status), checks the
// X-Hub-Signature-256 header and the verification handshake, turns an
// Outbound message into the exact Graph API JSON (splitting and truncating
// to the platform's limits first), sends it with Client, and classifies
// every error code into one Action so callers decide retry, throttle or alert
// in one place. It knows nothing of HTTP servers, storage or conversations.
//
// Field names, limits and error codes follow Meta's Cloud API reference
// for webhooks, the messages endpoint and its error codes.
package whatsapp
