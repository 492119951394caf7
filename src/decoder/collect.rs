//! [`Collector`]: a body gathered chunk by chunk into a caller's reusable
//! buffer, handed back as the borrowed [`Response`].
//!
//! It stands on [`TransportDecoder`]'s public API alone: the header comes
//! from [`Progress::header`](super::Progress::header) /
//! [`Finished::header`](super::Finished::header) and is written back with
//! [`Header::to_bytes`](crate::Header::to_bytes), the EMM from the slices the
//! decoder yields. So the limits, the errors and the base64 handling are the
//! decoder's, and nothing of a refused chunk is copied.

use alloc::vec::Vec;

use super::{Transport, TransportDecoder};
use crate::error::Error;
use crate::options::Options;
use crate::response::Response;
use crate::wire::HEADER_LEN;

mod sealed {
    /// The buffer operations [`Collector`](super::Collector) needs.
    pub trait Sealed {
        fn clear_keep_capacity(&mut self);
        fn len(&self) -> usize;
        fn capacity(&self) -> usize;
        /// Grows the capacity to exactly `capacity` (at least), never more
        /// than asked.
        fn grow_to(&mut self, capacity: usize);
        fn append(&mut self, bytes: &[u8]);
        fn body(&self) -> &[u8];
    }
}

/// A buffer a [`Collector`] can gather a body into: `Vec<u8>`, and
/// `bytes::BytesMut` with the `bytes` feature. Sealed.
pub trait CollectBuffer: sealed::Sealed {}

impl sealed::Sealed for Vec<u8> {
    fn clear_keep_capacity(&mut self) {
        self.clear();
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn capacity(&self) -> usize {
        Vec::capacity(self)
    }
    fn grow_to(&mut self, capacity: usize) {
        self.reserve_exact(capacity.saturating_sub(Vec::len(self)));
    }
    fn append(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn body(&self) -> &[u8] {
        self
    }
}
impl CollectBuffer for Vec<u8> {}

#[cfg(feature = "bytes")]
impl sealed::Sealed for bytes::BytesMut {
    fn clear_keep_capacity(&mut self) {
        self.clear();
    }
    fn len(&self) -> usize {
        bytes::BytesMut::len(self)
    }
    fn capacity(&self) -> usize {
        bytes::BytesMut::capacity(self)
    }
    fn grow_to(&mut self, capacity: usize) {
        // `BytesMut::reserve` may double past the request; a fresh
        // allocation of exactly `capacity` keeps the bound exact.
        if bytes::BytesMut::capacity(self) < capacity {
            let mut grown = bytes::BytesMut::with_capacity(capacity);
            grown.extend_from_slice(self);
            *self = grown;
        }
    }
    fn append(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn body(&self) -> &[u8] {
        self
    }
}
#[cfg(feature = "bytes")]
impl CollectBuffer for bytes::BytesMut {}

/// Gathers a body, chunk by chunk, into a caller-supplied buffer and
/// hands back the [`Response`] borrowed from it.
///
/// The buffer is cleared first and its capacity kept, so one buffer
/// serves body after body without reallocating. It grows by doubling,
/// but never past `12 + max_emm_len` bytes when a limit is set: the
/// decoder refuses the chunk that would cross the limit before it is
/// copied.
///
/// ```
/// use getemms::decoder::Collector;
/// use getemms::Options;
///
/// let mut body = Vec::new(); // reused across bodies
/// let mut collector = Collector::new(&mut body, Options::new().with_max_emm_len(1024));
/// collector.push(&[0, 0, 0, 1, 0, 0])?;
/// collector.push(&[0, 2, 0, 0, 0, 3, 0xEE])?;
/// let response = collector.finish()?;
/// assert_eq!(response.asset_id(), 2);
/// assert_eq!(response.emm(), &[0xEE]);
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug)]
pub struct Collector<'b, B: CollectBuffer> {
    decoder: TransportDecoder,
    buffer: &'b mut B,
}

impl<'b, B: CollectBuffer> Collector<'b, B> {
    /// A collector of a raw body into `buffer` (cleared first).
    pub fn new(buffer: &'b mut B, options: Options) -> Self {
        Self::with_transport(buffer, options, Transport::Raw)
    }

    /// A collector of a body sent with the given transport; the buffer
    /// receives the decoded body.
    pub fn with_transport(buffer: &'b mut B, options: Options, transport: Transport) -> Self {
        buffer.clear_keep_capacity();
        Self {
            decoder: TransportDecoder::new(options, transport),
            buffer,
        }
    }

    /// Takes the next chunk of the body and appends it (decoded, for a
    /// base64 transport) to the buffer.
    ///
    /// # Errors
    /// As [`Decoder::feed`](super::Decoder::feed) and
    /// [`TransportDecoder::feed`]; nothing of a refused chunk is copied.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let limit = self.decoder.options().max_emm_len;
        let progress = self.decoder.feed(chunk)?;
        // The header bytes are held by the decoder until the header is
        // complete; it is written once, in the call that completed it.
        if let Some(header) = progress.header {
            append_bounded(self.buffer, &header.to_bytes(), limit);
        }
        append_bounded(self.buffer, progress.emm, limit);
        Ok(())
    }

    /// Says the body has ended and returns it, parsed, borrowed from the
    /// buffer.
    ///
    /// # Errors
    /// As [`Decoder::finish`](super::Decoder::finish).
    pub fn finish(mut self) -> Result<Response<'b>, Error> {
        let options = *self.decoder.options();
        let end = self.decoder.finish()?;
        // The short form, or a full header that base64's last bytes completed.
        if let Some(header) = end.header {
            append_bounded(self.buffer, &header.to_bytes(), options.max_emm_len);
        }
        append_bounded(self.buffer, end.emm, options.max_emm_len);
        let buffer: &'b B = self.buffer;
        Response::parse_with(buffer.body(), &options)
    }

    /// The decoder underneath, for its state accessors.
    #[must_use]
    pub fn decoder(&self) -> &TransportDecoder {
        &self.decoder
    }
}

/// Appends `bytes`, growing by doubling but never past the body bound
/// `12 + max_emm_len`.
fn append_bounded<B: CollectBuffer>(buffer: &mut B, bytes: &[u8], limit: Option<usize>) {
    let needed = buffer.len().saturating_add(bytes.len());
    if needed > buffer.capacity() {
        let mut target = needed.max(buffer.capacity().saturating_mul(2));
        if let Some(limit) = limit {
            target = target.min(HEADER_LEN.saturating_add(limit)).max(needed);
        }
        buffer.grow_to(target);
    }
    buffer.append(bytes);
}
