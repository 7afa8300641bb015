//! BGZF blocks inflated with libdeflate, for reading a job's records.
//!
//! Inflating is most of what a deep job costs (`perf`: 40 % of a 20,000× job, three
//! quarters of decoding alone). libdeflate inflates a whole block in one call, faster than
//! zlib-style streaming (htslib uses it too); one decompressor serves every block of a job.
//! Only reading changes: files written here (the simulator's BAMs, the cohort VCF) are still
//! compressed by noodles, byte for byte as before.
//!
//! [`BlockReader`] is a [`noodles::bgzf`] reader in all the ways the BAM reader and the
//! index query use one (`Read`, `BufRead`, virtual positions, seeking to one), so
//! `noodles::csi::io::Query` and `noodles::bam::io::Reader` read through it unchanged. Every
//! block is checked as noodles checks it: its header, its sizes and its CRC32; a bad block is
//! an `InvalidData` error, never a panic.

use libdeflater::Decompressor;
use noodles::bgzf::{self, gzi, VirtualPosition};
use std::io::{self, BufRead, Read, Seek, SeekFrom};

/// A BGZF block header: gzip with one `BC` extra field holding the block's size.
const HEADER: usize = 18;
/// CRC32 and uncompressed size.
const TRAILER: usize = 8;
/// Largest uncompressed block.
const MAX_ISIZE: usize = 1 << 16;

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// The size of the block whose header is `header`, checked: a gzip member with one `BC`
/// extra field, as the SAM specification (section 4.1) defines BGZF.
pub(crate) fn block_size(header: &[u8; HEADER]) -> io::Result<usize> {
    if !is_bgzf(header) {
        return Err(invalid("invalid BGZF header"));
    }
    header_block_size(header)
        .ok_or_else(|| invalid(format!("invalid BGZF block size {}", stated_size(header))))
}

/// [`block_size`] as an option, which costs nothing when `header` is not one: the
/// bisection's probes try it at every byte offset until one is.
pub(crate) fn header_block_size(header: &[u8; HEADER]) -> Option<usize> {
    let size = stated_size(header);
    (is_bgzf(header) && size >= HEADER + TRAILER).then_some(size)
}

/// Whether `header` is a BGZF block's header (its size not checked).
fn is_bgzf(header: &[u8; HEADER]) -> bool {
    header[..4] == [0x1f, 0x8b, 0x08, 0x04]
        && header[10..12] == [6, 0]
        && header[12..16] == [b'B', b'C', 2, 0]
}

/// The block size a header states.
fn stated_size(header: &[u8; HEADER]) -> usize {
    usize::from(u16::from_le_bytes([header[16], header[17]])) + 1
}

/// Inflates one whole BGZF block (`frame`: header, deflated data, trailer) into `data`
/// (resized to the block's uncompressed size), checking its sizes and CRC32.
pub fn inflate_block(
    frame: &[u8],
    inflater: &mut Decompressor,
    data: &mut Vec<u8>,
) -> io::Result<()> {
    let header: &[u8; HEADER] = frame
        .first_chunk()
        .ok_or_else(|| invalid("truncated BGZF block header"))?;
    let size = block_size(header)?;
    if frame.len() != size {
        return Err(invalid(format!(
            "BGZF block of {} bytes, its header says {size}",
            frame.len()
        )));
    }
    let trailer: &[u8; TRAILER] = frame
        .last_chunk()
        .ok_or_else(|| invalid("truncated BGZF block"))?;
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let isize = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]) as usize;
    if isize > MAX_ISIZE {
        return Err(invalid(format!(
            "BGZF block of {isize} uncompressed bytes (at most {MAX_ISIZE})"
        )));
    }
    // Only a change of size writes the buffer (nearly every block holds the same 65,280).
    data.resize(isize, 0);
    let deflated = &frame[HEADER..size - TRAILER];
    match inflater.deflate_decompress(deflated, data) {
        Ok(n) if n == isize => {}
        Ok(n) => {
            return Err(invalid(format!(
                "BGZF block inflates to {n} bytes, its trailer says {isize}"
            )))
        }
        Err(e) => return Err(invalid(format!("BGZF block does not inflate: {e}"))),
    }
    if libdeflater::crc32(data) != crc {
        return Err(invalid("BGZF block CRC32 mismatch"));
    }
    Ok(())
}

/// Reads a BGZF stream block by block, inflating each with libdeflate.
pub struct BlockReader<R> {
    inner: R,
    /// Compressed offset of the next block in `inner`.
    next: u64,
    /// The block held: its compressed offset and size, and how much of its data is read.
    at: u64,
    size: u64,
    consumed: usize,
    data: Vec<u8>,
    frame: Vec<u8>,
    inflater: Decompressor,
}

impl<R: Read> BlockReader<R> {
    /// A reader of the BGZF stream `inner`, positioned at its start.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            next: 0,
            at: 0,
            size: 0,
            consumed: 0,
            data: Vec::with_capacity(MAX_ISIZE),
            frame: Vec::with_capacity(1 << 16),
            inflater: Decompressor::new(),
        }
    }

    /// Reads the next block with data (empty blocks, as the end-of-file marker, are passed
    /// over); at the end of the stream the block held is empty.
    fn read_block(&mut self) -> io::Result<()> {
        loop {
            self.at = self.next;
            self.consumed = 0;
            // The frame buffer only grows (to the largest block read), so that a block is
            // read into it without zeroing its bytes first.
            if self.frame.len() < HEADER {
                self.frame.resize(HEADER, 0);
            }
            let first = read_full(&mut self.inner, &mut self.frame[..HEADER])?;
            if first == 0 {
                self.size = 0;
                self.data.clear();
                return Ok(());
            }
            if first < HEADER {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "truncated BGZF block header",
                ));
            }
            let header: &[u8; HEADER] = self.frame[..HEADER]
                .first_chunk()
                .ok_or_else(|| invalid("truncated BGZF block header"))?;
            let size = block_size(header)?;
            if self.frame.len() < size {
                self.frame.resize(size, 0);
            }
            let frame = &mut self.frame[..size];
            self.inner.read_exact(&mut frame[HEADER..])?;
            inflate_block(frame, &mut self.inflater, &mut self.data)?;
            self.size = size as u64;
            self.next = self.at + self.size;
            if !self.data.is_empty() {
                return Ok(());
            }
        }
    }
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full<R: Read>(inner: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match inner.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl<R: Read> Read for BlockReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let src = self.fill_buf()?;
        let n = src.len().min(buf.len());
        buf[..n].copy_from_slice(&src[..n]);
        self.consume(n);
        Ok(n)
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        // Most reads (a record's length, then the record) lie inside the block held.
        if let Some(src) = self.data.get(self.consumed..self.consumed + buf.len()) {
            buf.copy_from_slice(src);
            self.consumed += buf.len();
            return Ok(());
        }
        let mut rest = buf;
        while !rest.is_empty() {
            let n = self.read(rest)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "BGZF stream ended inside a record",
                ));
            }
            rest = &mut rest[n..];
        }
        Ok(())
    }
}

impl<R: Read> BufRead for BlockReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed >= self.data.len() {
            self.read_block()?;
        }
        Ok(&self.data[self.consumed..])
    }

    fn consume(&mut self, amt: usize) {
        self.consumed = (self.consumed + amt).min(self.data.len());
    }
}

impl<R: Read> bgzf::io::Read for BlockReader<R> {
    /// As noodles gives it: inside the block held, its offset and the place in its data;
    /// once the block is read to its end, the next block's offset.
    fn virtual_position(&self) -> VirtualPosition {
        let position = if self.consumed < self.data.len() {
            (self.at, self.consumed as u16)
        } else {
            (self.at + self.size, 0)
        };
        // Offsets past 2^48 (256 TiB) cannot be read at all: the largest position then.
        VirtualPosition::try_from(position).unwrap_or(VirtualPosition::MAX)
    }
}

impl<R: Read> bgzf::io::BufRead for BlockReader<R> {}

impl<R: Read + Seek> bgzf::io::Seek for BlockReader<R> {
    fn seek_to_virtual_position(&mut self, pos: VirtualPosition) -> io::Result<VirtualPosition> {
        let (compressed, uncompressed) = pos.into();
        self.inner.seek(SeekFrom::Start(compressed))?;
        self.next = compressed;
        if let Err(e) = self.read_block() {
            (self.at, self.size, self.consumed) = (compressed, 0, 0);
            self.data.clear();
            return Err(e);
        }
        let within = usize::from(uncompressed);
        if within > self.data.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "virtual position {compressed}:{within} lies past its block's {} bytes",
                    self.data.len()
                ),
            ));
        }
        self.consumed = within;
        Ok(pos)
    }

    fn seek_with_index(&mut self, _: &gzi::Index, _: SeekFrom) -> io::Result<u64> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "seeking by uncompressed position is not needed to read a job's records",
        ))
    }
}

#[cfg(test)]
mod tests;
