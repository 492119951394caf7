//! [`BodyReader`]: one response body, read frame by frame through the
//! crate's incremental decoder, into an [`OwnedResponse`].
//!
//! The frames go to [`Decoder`] (raw) or [`TransportDecoder`] (base64) as
//! they arrive, so the limits hold before anything is kept. What is kept:
//! - raw: the EMM part of each frame, as a `Bytes` slice of that frame
//!   (a reference-count bump, no copy). At the end, one slice is the EMM
//!   itself; several are copied once into a buffer of exactly the EMM's
//!   length. Holding the frames costs no more than the body, which
//!   `max_body_len` bounds; copying them as they came would need either a
//!   size known in advance or a growing buffer.
//! - base64: the decoded EMM, in one `Vec`, into which
//!   [`TransportDecoder::feed_into`] decodes each frame's text straight:
//!   no byte is decoded elsewhere and copied.
//!   With a size hint (`Content-Length`) the `Vec` is reserved once, at
//!   the decoded length's upper bound (`3/4` of the text, less the
//!   header); a chunked body without a hint grows it as `Vec` does. At
//!   the end it is shrunk to the EMM's exact length (an in-place `realloc`
//!   for all but small buffers) and becomes the `Bytes` without a copy:
//!   the response holds one buffer of exactly the EMM's size.

use core::future::poll_fn;
use core::pin::Pin;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::HeaderName;
use http_body::Body;
use std::vec::Vec;

use super::error::ReadError;
use crate::base64::decoded_len;
use crate::decoder::{Decoder, Transport, TransportDecoder};
use crate::error::Error;
use crate::header::Header;
use crate::options::Options;
use crate::owned::OwnedResponse;
use crate::wire::HEADER_LEN;

/// The header that names a body's transport.
const CONTENT_TRANSFER_ENCODING: HeaderName = HeaderName::from_static("content-transfer-encoding");

/// How to read one `GetEMMs.cgi` response body from an HTTP body: the
/// limits, and where the transport comes from.
///
/// The transport is taken from the `Content-Transfer-Encoding` header
/// (see [`Transport::from_content_transfer_encoding`]), or, when there is
/// none, decided by the body's first byte ([`Transport::Auto`]);
/// [`with_transport`](Self::with_transport) overrides both.
///
/// ```
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use bytes::Bytes;
/// use getemms::http::BodyReader;
/// use getemms::{LicenseStatus, Options};
/// use http_body_util::Full;
///
/// // What a PHP license server sends: status 1, asset id 12345, key id 7, EMM CA FE.
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-transfer-encoding", "base64".parse()?);
/// let body = Full::new(Bytes::from_static(b"AAAAAQAAMDkAAAAHyv4="));
///
/// let reader = BodyReader::new(64 * 1024).with_options(Options::new().with_max_emm_len(1024));
/// // Any executor drives the future; this body is ready, so one poll does.
/// let mut read = pin!(reader.read(&headers, body));
/// let Poll::Ready(response) = read.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
///     unreachable!("a `Full` body is always ready")
/// };
/// let response = response?;
/// assert_eq!(response.header().license_status, LicenseStatus::OK);
/// assert_eq!(response.header().key_id, Some(7));
/// assert_eq!(&response.emm()[..], [0xCA, 0xFE]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyReader {
    options: Options,
    max_body_len: u64,
    transport: Option<Transport>,
}

impl BodyReader {
    /// A reader that accepts bodies of at most `max_body_len` bytes as
    /// sent (base64 text included), with the default [`Options`] and the
    /// transport taken from the headers.
    #[must_use]
    pub const fn new(max_body_len: u64) -> Self {
        Self {
            options: Options::DEFAULT,
            max_body_len,
            transport: None,
        }
    }

    /// Sets the decoder's options: `max_emm_len` and the short form.
    #[must_use]
    pub const fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Uses `transport` whatever the headers say.
    #[must_use]
    pub const fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The decoder's options.
    #[must_use]
    pub const fn options(&self) -> &Options {
        &self.options
    }

    /// The largest body accepted, in bytes as sent.
    #[must_use]
    pub const fn max_body_len(&self) -> u64 {
        self.max_body_len
    }

    /// The transport of a body sent with `headers`: the override, else
    /// the `Content-Transfer-Encoding`, else [`Transport::Auto`].
    ///
    /// # Errors
    /// [`ReadError::UnsupportedTransferEncoding`] for any other
    /// `Content-Transfer-Encoding` (or one that is not text).
    pub fn transport_for<E>(&self, headers: &HeaderMap) -> Result<Transport, ReadError<E>> {
        if let Some(transport) = self.transport {
            return Ok(transport);
        }
        match headers.get(CONTENT_TRANSFER_ENCODING) {
            None => Ok(Transport::Auto),
            Some(value) => value
                .to_str()
                .ok()
                .and_then(Transport::from_content_transfer_encoding)
                .ok_or(ReadError::UnsupportedTransferEncoding),
        }
    }

    /// Reads a whole response body sent with `headers`, frame by frame.
    ///
    /// The body must be `Unpin` (hyper's `Incoming` and axum's `Body`
    /// are); pass `Box::pin(body)` for one that is not. Trailers are
    /// ignored. There is no timeout here, this crate has no runtime: wrap
    /// the future in your runtime's timeout.
    ///
    /// # Errors
    /// - [`ReadError::UnsupportedTransferEncoding`], before any frame.
    /// - [`ReadError::BodyTooLong`]: at once when the size hint is over
    ///   `max_body_len`, else with the frame that crosses it.
    /// - [`ReadError::Decode`]: [`Error::EmmTooLong`] with the frame that
    ///   crosses `max_emm_len`; at the end, the one-shot parse's error
    ///   ([`Error::Truncated`], [`Error::InvalidBase64`], …).
    /// - [`ReadError::Body`]: the body's own error, with the bytes that
    ///   had come.
    pub async fn read<B>(
        &self,
        headers: &HeaderMap,
        mut body: B,
    ) -> Result<OwnedResponse, ReadError<B::Error>>
    where
        B: Body<Data = Bytes> + Unpin,
    {
        let transport = self.transport_for(headers)?;
        let announced = body.size_hint().lower();
        if announced > self.max_body_len {
            return Err(ReadError::BodyTooLong {
                len: announced,
                limit: self.max_body_len,
            });
        }
        let mut assembly = Assembly::new(self.options, transport, announced);
        let mut received: u64 = 0;
        while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.map_err(|error| ReadError::Body {
                error,
                offset: received,
            })?;
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
            received = received.saturating_add(len);
            if received > self.max_body_len {
                return Err(ReadError::BodyTooLong {
                    len: received,
                    limit: self.max_body_len,
                });
            }
            assembly.push(data)?;
        }
        Ok(assembly.finish()?)
    }
}

/// The body being decoded and what is kept of it.
enum Assembly {
    /// `Auto`, before the first byte decided.
    Undecided { options: Options, announced: u64 },
    Raw {
        decoder: Decoder,
        /// The EMM part of each frame, sharing the frame's allocation.
        emm_pieces: Vec<Bytes>,
    },
    Base64 {
        decoder: TransportDecoder,
        /// The EMM decoded so far, straight from the text.
        emm: Vec<u8>,
    },
}

impl Assembly {
    fn new(options: Options, transport: Transport, announced: u64) -> Self {
        match transport {
            Transport::Auto => Self::Undecided { options, announced },
            Transport::Raw => Self::Raw {
                decoder: Decoder::new(options),
                emm_pieces: Vec::new(),
            },
            Transport::Base64 => {
                // The header is not kept. `announced` is within
                // `max_body_len`: the caller's limit bounds the reservation.
                let text_len = usize::try_from(announced).unwrap_or(usize::MAX);
                let bound = decoded_len(text_len).saturating_sub(HEADER_LEN);
                Self::Base64 {
                    decoder: TransportDecoder::new(options, Transport::Base64),
                    emm: Vec::with_capacity(bound),
                }
            }
        }
    }

    /// Takes the next data frame.
    fn push(&mut self, frame: Bytes) -> Result<(), Error> {
        if let Self::Undecided { options, announced } = *self {
            let Some(&first) = frame.first() else {
                return Ok(());
            };
            *self = Self::new(options, Transport::detect(first), announced);
        }
        match self {
            Self::Undecided { .. } => Ok(()),
            Self::Raw {
                decoder,
                emm_pieces,
            } => {
                let progress = decoder.feed(&frame)?;
                if !progress.emm.is_empty() {
                    emm_pieces.push(frame.slice_ref(progress.emm));
                }
                Ok(())
            }
            Self::Base64 { decoder, emm } => decoder.feed_into(&frame, emm).map(drop),
        }
    }

    /// The body has ended.
    fn finish(self) -> Result<OwnedResponse, Error> {
        match self {
            // No byte came: the raw decoder's truncation error.
            Self::Undecided { options, .. } => {
                let mut decoder = Decoder::new(options);
                let end = decoder.finish()?;
                assemble(end.header.or(decoder.header()), Bytes::new())
            }
            Self::Raw {
                mut decoder,
                mut emm_pieces,
            } => {
                let end = decoder.finish()?;
                let emm = match emm_pieces.len() {
                    0 | 1 => emm_pieces.pop().unwrap_or_default(),
                    _ => {
                        let mut emm = BytesMut::with_capacity(end.emm_len);
                        for piece in &emm_pieces {
                            emm.extend_from_slice(piece);
                        }
                        emm.freeze()
                    }
                };
                assemble(end.header.or(decoder.header()), emm)
            }
            Self::Base64 {
                mut decoder,
                mut emm,
            } => {
                let end = decoder.finish()?;
                emm.extend_from_slice(end.emm);
                let header = end.header.or(decoder.header());
                // Exactly the EMM's length; `Bytes::from` then takes the
                // allocation over without copying it.
                emm.shrink_to_fit();
                assemble(header, Bytes::from(emm))
            }
        }
    }
}

/// The response of a finished decoder: it always has a header, and an
/// EMM only in the full form.
fn assemble(header: Option<Header>, emm: Bytes) -> Result<OwnedResponse, Error> {
    let header = header.ok_or(Error::Truncated {
        received: 0,
        missing: crate::SHORT_LEN,
        license_status: None,
    })?;
    OwnedResponse::from_parts(header, emm)
}
