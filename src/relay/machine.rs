//! [`Relay`]: the sans-IO state machine that holds a body back until its
//! header is known, asks the [`Policy`], and then hands every later chunk
//! back to be forwarded as it came.
//!
//! The header is read with the crate's own decoders ([`Decoder`] over the
//! bytes, [`Base64Stream`] over the text), so a truncated or invalid header
//! fails with exactly the error [`Response::parse_with`](crate::Response::parse_with)
//! or [`TransportDecoder`](crate::decoder::TransportDecoder) gives for the
//! same bytes. After the header nothing is copied: raw, the decoder counts
//! the EMM against `max_emm_len`; base64, the text is counted
//! ([`Verify::Header`]) or checked through a fixed stack buffer
//! ([`Verify::Body`]).

use super::held::{FULL_LETTERS, Held};
use super::{Policy, RelayError, RelayOptions, Verdict, Verify};
use crate::base64::{Base64Stream, decoded_len, is_alphabet};
use crate::decoder::{Decoder, Transport};
use crate::error::Error;
use crate::header::Header;

/// The most bytes a relay holds back: the text of a base64 header up to
/// its 16th letter, line breaks and spaces included (16 letters and up to
/// 48 other bytes), or the trailing whitespace of a short-form text. A raw
/// body holds at most [`HEADER_LEN`](crate::HEADER_LEN) bytes. Past it the
/// body is refused with [`RelayError::HoldBack`].
pub const HOLD_BACK: usize = 64;

/// Text bytes checked at a time by [`Verify::Body`].
const VERIFY_PIECE: usize = 4096;
/// What [`VERIFY_PIECE`] text bytes decode to at most, with the 3
/// characters a stream carries: `(3 + 4096) / 4 * 3`.
const VERIFY_DECODED: usize = VERIFY_PIECE / 4 * 3;

/// What one call of [`Relay::feed`] or [`Relay::finish`] gives to forward,
/// in this order: first `held`, then `chunk`.
///
/// - `held`: bytes the relay held back, from its own buffer: the header
///   (as it came, or rewritten), or the refusal. Empty in most calls.
/// - `chunk`: a sub-slice of the chunk just fed, never copied: the whole
///   chunk once the header is decided, or what follows the header in the
///   chunk that completed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Relayed<'h, 'c> {
    /// Held bytes to send first.
    pub held: &'h [u8],
    /// Then this part of the chunk, unchanged.
    pub chunk: &'c [u8],
}

impl Relayed<'_, '_> {
    /// Bytes to forward in all.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.held.len() + self.chunk.len()
    }

    /// Whether there is nothing to forward.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a relay stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stage {
    /// Before the verdict: the header's bytes are held.
    Holding,
    /// After a forward or rewrite verdict: chunks pass.
    Passing,
    /// After a reject verdict: the refusal went out; upstream bytes are
    /// ignored.
    Rejected,
    /// `finish` succeeded.
    Finished,
    /// An error was returned; it is returned again on every call.
    Failed(RelayError),
}

/// What a step gives out, before it is borrowed as [`Relayed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    /// Nothing.
    Nothing,
    /// The whole chunk.
    Chunk,
    /// The held bytes, then the chunk from this offset on.
    HeldThen(usize),
    /// The held bytes alone.
    Held,
}

/// How a verdict was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applied {
    Forwarded,
    Rewritten,
    Rejected,
}

/// Sans-IO relay of one `GetEMMs.cgi` body: inspect the header, forward
/// the rest as it came. `no_std`, no allocation; it holds at most
/// [`HOLD_BACK`] bytes whatever the body's length.
///
/// Feed the upstream's chunks in order with [`feed`](Self::feed) and
/// forward what each call returns ([`Relayed`]: held bytes first, then a
/// slice of the chunk); call [`finish`](Self::finish) when the body has
/// ended, and forward what it returns too (the short form is only decided
/// there). Any error: stop, and if [`forwarded`](Self::forwarded) is not 0,
/// abort the downstream body.
///
/// ```
/// use getemms::relay::{Relay, RelayOptions, Verdict};
/// use getemms::{Header, LicenseStatus, Transport};
///
/// // status 1, asset id 12345, key id 7, EMM CA FE, as Perl sends it, in 5-byte chunks
/// let text = b"AAAAAQAAMDkAAAAHyv4=\n";
/// let mut relay = Relay::new(RelayOptions::new(Transport::Auto), |header: &Header| {
///     // every OK of asset 12345 becomes status 2, in place
///     Verdict::Rewrite(Header { license_status: LicenseStatus::from(2), ..*header })
/// });
/// let mut out = Vec::new();
/// for chunk in text.chunks(5) {
///     let relayed = relay.feed(chunk)?;
///     out.extend_from_slice(relayed.held);
///     out.extend_from_slice(relayed.chunk); // a slice of `chunk`
/// }
/// let last = relay.finish()?;
/// out.extend_from_slice(last.held);
/// assert_eq!(out, b"AAAAAgAAMDkAAAAHyv4=\n");
/// assert_eq!(relay.forwarded(), text.len() as u64);
/// # Ok::<(), getemms::relay::RelayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Relay<P> {
    policy: P,
    options: RelayOptions,
    /// The transport in use: `Auto` until the first byte decides.
    transport: Transport,
    /// The header's bytes; raw, also the EMM's length and limit.
    decoder: Decoder,
    /// The header's text; at [`Verify::Body`], the EMM's too.
    base64: Base64Stream,
    held: Held,
    /// Base64 letters among the held bytes.
    letters: usize,
    verdict: Option<Verdict>,
    /// Bytes as sent, taken so far.
    received: u64,
    /// Bytes handed out to forward so far.
    forwarded: u64,
    /// Base64 text after the header (at [`Verify::Header`]).
    emm_text: usize,
    /// Base64 EMM bytes decoded so far (at [`Verify::Body`]).
    emm_len: usize,
    stage: Stage,
}

impl<P: Policy> Relay<P> {
    /// A relay for one body, with these settings and this policy.
    #[must_use]
    pub const fn new(options: RelayOptions, policy: P) -> Self {
        Self {
            policy,
            transport: options.transport,
            decoder: Decoder::new(options.options),
            base64: Base64Stream::new(),
            held: Held::new(),
            letters: 0,
            verdict: None,
            received: 0,
            forwarded: 0,
            emm_text: 0,
            emm_len: 0,
            stage: Stage::Holding,
            options,
        }
    }

    /// Forgets the current body (and any error) and gets ready for the
    /// next one, keeping the settings and the policy.
    pub fn reset(&mut self) {
        let options = self.options;
        self.transport = options.transport;
        self.decoder = Decoder::new(options.options);
        self.base64 = Base64Stream::new();
        self.held = Held::new();
        self.letters = 0;
        self.verdict = None;
        self.received = 0;
        self.forwarded = 0;
        self.emm_text = 0;
        self.emm_len = 0;
        self.stage = Stage::Holding;
    }

    /// Takes the next chunk of the upstream body, as it came.
    ///
    /// Returns what to forward now: nothing while the header is held, the
    /// header (held, rewritten, or the refusal) and the rest of the chunk
    /// in the call that decided it, and the whole chunk after that. After
    /// a reject verdict every chunk is ignored (stop reading the upstream).
    ///
    /// # Errors
    /// - [`RelayError::BodyTooLong`]: this chunk takes the body past
    ///   `max_body_len`; nothing of it is forwarded.
    /// - [`RelayError::Body`]: the decoders' error for these bytes: invalid
    ///   base64 in the header (or, at [`Verify::Body`], anywhere), or
    ///   [`Error::EmmTooLong`] when the chunk takes the EMM past
    ///   `max_emm_len` (for base64 at [`Verify::Header`], its upper bound).
    /// - [`RelayError::HoldBack`]: the header's text is spread over more
    ///   than [`HOLD_BACK`] bytes.
    /// - [`RelayError::FormChange`]: the policy's rewrite changes the form.
    /// - The error of an earlier call, or [`Error::AlreadyFinished`] after
    ///   [`finish`](Self::finish).
    pub fn feed<'c>(&mut self, chunk: &'c [u8]) -> Result<Relayed<'_, 'c>, RelayError> {
        self.check_open()?;
        if self.stage == Stage::Rejected {
            return Ok(Relayed::default());
        }
        let received = self.received.saturating_add(chunk.len() as u64);
        if received > self.options.max_body_len {
            return Err(self.fail(RelayError::BodyTooLong {
                len: received,
                limit: self.options.max_body_len,
            }));
        }
        self.received = received;
        let step = if self.stage == Stage::Passing {
            self.pass(chunk).map(|()| Out::Chunk)
        } else {
            self.hold(chunk)
        };
        match step {
            Ok(out) => Ok(self.give(out, chunk)),
            Err(error) => Err(self.fail(error)),
        }
    }

    /// Says the body has ended.
    ///
    /// Returns the held bytes still to forward: a short-form body's 8 bytes
    /// (its verdict is only known now), or its refusal; else nothing.
    ///
    /// # Errors
    /// - [`RelayError::Body`]: the body ended before its header was
    ///   complete (the same [`Error::Truncated`] or
    ///   [`Error::TruncatedBase64`] as the one-shot parse, and nothing was
    ///   forwarded); at [`Verify::Body`], the end of the text is checked
    ///   as [`Base64Stream::finish`] does.
    /// - [`RelayError::FormChange`], as for [`feed`](Self::feed).
    /// - The error of an earlier call, or [`Error::AlreadyFinished`] when
    ///   called twice.
    pub fn finish(&mut self) -> Result<Relayed<'_, 'static>, RelayError> {
        self.check_open()?;
        let step = match self.stage {
            Stage::Holding => self.end_holding(),
            Stage::Passing => self.end_passing().map(|()| Out::Nothing),
            _ => Ok(Out::Nothing),
        };
        match step {
            Ok(out) => {
                self.stage = Stage::Finished;
                Ok(self.give(out, &[]))
            }
            Err(error) => Err(self.fail(error)),
        }
    }

    /// Borrows what a step gives out, and counts it as forwarded.
    fn give<'c>(&mut self, out: Out, chunk: &'c [u8]) -> Relayed<'_, 'c> {
        let (held, chunk): (&[u8], &'c [u8]) = match out {
            Out::Nothing => (&[], &[]),
            Out::Chunk => (&[], chunk),
            Out::HeldThen(from) => (self.held.as_slice(), chunk.get(from..).unwrap_or(&[])),
            Out::Held => (self.held.as_slice(), &[]),
        };
        let relayed = Relayed { held, chunk };
        self.forwarded = self.forwarded.saturating_add(relayed.len() as u64);
        relayed
    }

    /// A chunk before the verdict.
    fn hold(&mut self, chunk: &[u8]) -> Result<Out, RelayError> {
        if self.transport == Transport::Auto {
            match chunk.first() {
                Some(&first) => self.transport = Transport::detect(first),
                None => return Ok(Out::Nothing),
            }
        }
        if self.transport == Transport::Base64 {
            self.hold_text(chunk)
        } else {
            self.hold_raw(chunk)
        }
    }

    /// Raw: the decoder takes the header's bytes, which are held until all
    /// 12 came; after a forward or rewrite verdict it takes the rest of the
    /// chunk too, and checks it against the limit.
    fn hold_raw(&mut self, chunk: &[u8]) -> Result<Out, RelayError> {
        let earlier = self.held.len();
        let (head, rest) = chunk
            .split_at_checked(self.decoder.header_missing())
            .unwrap_or((chunk, &[]));
        let progress = self.decoder.feed(head)?;
        self.held.push(head);
        let Some(header) = progress.header else {
            return Ok(Out::Nothing);
        };
        let out = self.after_header(header, earlier, head.len())?;
        if out != Out::Held {
            self.decoder.feed(rest)?;
        }
        Ok(out)
    }

    /// Base64: the text up to the header's 16th letter goes through the
    /// stream into the decoder and is held; the rest of the chunk passes.
    fn hold_text(&mut self, chunk: &[u8]) -> Result<Out, RelayError> {
        let earlier = self.held.len();
        let wanted = FULL_LETTERS.saturating_sub(self.letters);
        let (end, letters) = header_text_end(chunk, wanted);
        let room = self.held.room();
        let head = chunk.get(..end.min(room)).unwrap_or(chunk);
        // 64 characters, with 3 carried, decode to at most 48 bytes.
        let mut bytes = [0u8; HOLD_BACK];
        let decoded = self.base64.decode_chunk(head, &mut bytes)?;
        let progress = self.decoder.feed(bytes.get(..decoded).unwrap_or(&[]))?;
        self.held.push(head);
        if end > room {
            // The letters within the bound, for the message.
            self.letters += head.iter().filter(|&&c| is_alphabet(c)).count();
            return Err(RelayError::HoldBack {
                letters: self.letters,
                bound: super::HOLD_BACK,
            });
        }
        self.letters += letters;
        match progress.header {
            Some(header) => {
                let out = self.after_header(header, earlier, end)?;
                if out != Out::Held {
                    self.pass_text(chunk.get(end..).unwrap_or(&[]))?;
                }
                Ok(out)
            }
            None => Ok(Out::Nothing),
        }
    }

    /// The header of a chunk is known: the verdict, and what goes out.
    /// `earlier`: header bytes held from earlier chunks; `rest`: where the
    /// chunk goes on after the header.
    fn after_header(
        &mut self,
        header: Header,
        earlier: usize,
        rest: usize,
    ) -> Result<Out, RelayError> {
        Ok(match self.decide(header)? {
            Applied::Rejected => Out::Held,
            // Nothing held from before: the chunk goes out whole.
            Applied::Forwarded if earlier == 0 => Out::Chunk,
            Applied::Forwarded | Applied::Rewritten => Out::HeldThen(rest),
        })
    }

    /// Asks the policy and applies its verdict to the held bytes.
    fn decide(&mut self, header: Header) -> Result<Applied, RelayError> {
        let verdict = self.policy.verdict(&header);
        self.verdict = Some(verdict);
        let transport = self.transport;
        match verdict {
            Verdict::Forward => {
                self.stage = Stage::Passing;
                Ok(Applied::Forwarded)
            }
            Verdict::Rewrite(new) => {
                if new.form() != header.form() {
                    return Err(RelayError::FormChange {
                        from: header.form(),
                        to: new.form(),
                    });
                }
                self.held.rewrite(&new, transport);
                self.stage = Stage::Passing;
                Ok(Applied::Rewritten)
            }
            Verdict::Reject(refusal) => {
                self.held
                    .refuse(&refusal, transport, self.options.refusal_wrap);
                self.stage = Stage::Rejected;
                Ok(Applied::Rejected)
            }
        }
    }

    /// A chunk after a forward or rewrite verdict.
    fn pass(&mut self, chunk: &[u8]) -> Result<(), RelayError> {
        if self.transport == Transport::Base64 {
            self.pass_text(chunk)
        } else {
            // The decoder keeps nothing of it: it counts against the limit.
            self.decoder.feed(chunk)?;
            Ok(())
        }
    }

    /// Base64 text after the header: counted, or checked piece by piece.
    fn pass_text(&mut self, text: &[u8]) -> Result<(), RelayError> {
        let limits = self.options.options;
        match self.options.verify {
            Verify::Header => {
                self.emm_text = self.emm_text.saturating_add(text.len());
                limits.check_emm_len(decoded_len(self.emm_text))?;
            }
            Verify::Body => {
                let mut decoded = 0usize;
                let mut bytes = [0u8; VERIFY_DECODED];
                for piece in text.chunks(VERIFY_PIECE) {
                    decoded += self.base64.decode_chunk(piece, &mut bytes)?;
                }
                // The whole chunk's EMM at once, as the decoders count it.
                let seen = self.emm_len.saturating_add(decoded);
                limits.check_emm_len(seen)?;
                self.emm_len = seen;
            }
        }
        Ok(())
    }

    /// The end of a body whose header never completed: the short form, or
    /// the one-shot parse's truncation error.
    fn end_holding(&mut self) -> Result<Out, RelayError> {
        let header = if self.transport == Transport::Base64 {
            let tail = self.base64.finish()?;
            let progress = self.decoder.feed(tail)?;
            let end = self.decoder.finish()?;
            progress.header.or(end.header)
        } else {
            self.decoder.finish()?.header
        };
        let Some(header) = header else {
            // A finished decoder always has its header; kept free of panics.
            return Err(RelayError::Body(Error::Truncated {
                received: 0,
                missing: crate::SHORT_LEN,
                license_status: None,
            }));
        };
        self.decide(header)?;
        Ok(Out::Held)
    }

    /// The end of a passing body: what is left to check.
    fn end_passing(&mut self) -> Result<(), RelayError> {
        match (self.transport, self.options.verify) {
            (Transport::Base64, Verify::Body) => {
                let tail = self.base64.finish()?.len();
                let seen = self.emm_len.saturating_add(tail);
                self.options.options.check_emm_len(seen)?;
                self.emm_len = seen;
            }
            // Raw: the decoder saw every byte and checks the end. Base64 at
            // header level: it saw the header alone, a whole body of an
            // empty EMM, so it finishes (the text was counted as it came).
            _ => {
                self.decoder.finish()?;
            }
        }
        Ok(())
    }

    fn check_open(&self) -> Result<(), RelayError> {
        match self.stage {
            Stage::Failed(error) => Err(error),
            Stage::Finished => Err(RelayError::Body(Error::AlreadyFinished {
                offset: usize::try_from(self.received).unwrap_or(usize::MAX),
            })),
            _ => Ok(()),
        }
    }

    fn fail(&mut self, error: RelayError) -> RelayError {
        self.stage = Stage::Failed(error);
        error
    }
}

impl<P> Relay<P> {
    /// The header, once known (it stays known after a later error).
    #[must_use]
    pub fn header(&self) -> Option<Header> {
        self.decoder.header()
    }

    /// The policy's verdict, once it was asked.
    #[must_use]
    pub const fn verdict(&self) -> Option<Verdict> {
        self.verdict
    }

    /// Whether the verdict is known and what was held has gone out: from
    /// then on, each chunk is forwarded as it comes (or ignored, after a
    /// reject).
    #[must_use]
    pub const fn is_decided(&self) -> bool {
        self.verdict.is_some()
    }

    /// Whether the verdict was a reject.
    #[must_use]
    pub const fn is_rejected(&self) -> bool {
        matches!(self.verdict, Some(Verdict::Reject(_)))
    }

    /// The transport in use: the configured one, or what the first byte
    /// decided for [`Transport::Auto`] (`Auto` until a byte came).
    #[must_use]
    pub const fn transport(&self) -> Transport {
        self.transport
    }

    /// The settings.
    #[must_use]
    pub const fn options(&self) -> &RelayOptions {
        &self.options
    }

    /// Upstream bytes taken so far (a refused chunk's included; those
    /// ignored after a reject not).
    #[must_use]
    pub const fn received(&self) -> u64 {
        self.received
    }

    /// Bytes handed out to forward so far. Not 0: an error must abort the
    /// downstream body.
    #[must_use]
    pub const fn forwarded(&self) -> u64 {
        self.forwarded
    }

    /// Bytes held back now (at most [`HOLD_BACK`]).
    #[must_use]
    pub const fn held_len(&self) -> usize {
        match self.stage {
            Stage::Holding => self.held.len(),
            _ => 0,
        }
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        matches!(self.stage, Stage::Finished)
    }

    /// The error the relay failed with, if it has.
    #[must_use]
    pub const fn error(&self) -> Option<RelayError> {
        match self.stage {
            Stage::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// The policy.
    #[must_use]
    pub const fn policy(&self) -> &P {
        &self.policy
    }
}

/// Where the header's text ends in `chunk` (just past its `wanted`-th
/// letter, or the chunk's end) and how many letters come before that.
#[inline]
fn header_text_end(chunk: &[u8], wanted: usize) -> (usize, usize) {
    let mut letters = 0;
    for (index, &byte) in chunk.iter().enumerate() {
        if letters == wanted {
            return (index, letters);
        }
        if is_alphabet(byte) {
            letters += 1;
        }
    }
    (chunk.len(), letters)
}
