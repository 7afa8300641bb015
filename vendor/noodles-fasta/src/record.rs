//! FASTA record and definition.

pub mod definition;
pub mod sequence;

use bstr::BStr;

pub use self::{definition::Definition, sequence::Sequence};

/// A FASTA record.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Record {
    definition: Definition,
    sequence: Sequence,
}

impl Record {
    /// Creates a FASTA record from a definition and sequence.
    ///
    /// # Examples
    ///
    /// ```
    /// use noodles_fasta::{self as fasta, record::{Definition, Sequence}};
    /// let definition = Definition::new("sq0", None);
    /// let sequence = Sequence::from(b"ACGT".to_vec());
    /// let record = fasta::Record::new(definition, sequence);
    /// ```
    pub fn new(definition: Definition, sequence: Sequence) -> Self {
        Self {
            definition,
            sequence,
        }
    }

    /// Takes the sequence out of the record, without copying it.
    ///
    /// (Added in this vendored copy for `Repository`, which cached a clone: a copy as long as
    /// the contig, every page of it written.)
    pub(crate) fn into_sequence(self) -> Sequence {
        self.sequence
    }

    /// Returns the record definition.
    ///
    /// # Examples
    ///
    /// ```
    /// use noodles_fasta::{self as fasta, record::{Definition, Sequence}};
    ///
    /// let definition = Definition::new("sq0", None);
    /// let sequence = Sequence::from(b"ACGT".to_vec());
    /// let record = fasta::Record::new(definition.clone(), sequence);
    ///
    /// assert_eq!(record.definition(), &definition);
    /// ```
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// Returns the record name.
    ///
    /// # Examples
    ///
    /// ```
    /// use noodles_fasta::{self as fasta, record::{Definition, Sequence}};
    ///
    /// let definition = Definition::new("sq0", None);
    /// let sequence = Sequence::from(b"ACGT".to_vec());
    /// let record = fasta::Record::new(definition, sequence);
    ///
    /// assert_eq!(record.name(), b"sq0");
    /// ```
    pub fn name(&self) -> &[u8] {
        self.definition.name()
    }

    /// Returns the description.
    ///
    /// # Examples
    ///
    /// ```
    /// use bstr::{BStr, BString};
    /// use noodles_fasta::{self as fasta, record::{Definition, Sequence}};
    ///
    /// let definition = Definition::new("sq0", Some(BString::from("LN:4")));
    /// let sequence = Sequence::from(b"ACGT".to_vec());
    /// let record = fasta::Record::new(definition, sequence);
    ///
    /// assert_eq!(record.description(), Some(BStr::new("LN:4")));
    /// ```
    pub fn description(&self) -> Option<&BStr> {
        self.definition.description()
    }

    /// Returns the sequence.
    ///
    /// # Examples
    ///
    /// ```
    /// use noodles_fasta::{self as fasta, record::{Definition, Sequence}};
    ///
    /// let definition = Definition::new("sq0", None);
    /// let sequence = Sequence::from(b"ACGT".to_vec());
    /// let record = fasta::Record::new(definition, sequence.clone());
    ///
    /// assert_eq!(record.sequence(), &sequence);
    /// ```
    pub fn sequence(&self) -> &Sequence {
        &self.sequence
    }
}
