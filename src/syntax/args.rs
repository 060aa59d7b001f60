//! Compact containers for an attribute's values and its `{ ... }` block, shared by the syntax tree
//! and the resolved model. A 100,000-component workspace holds over three million attributes at
//! once: nearly all have one parameter with one value (or none) and no block, so those shapes
//! take no allocation and as few bytes as the value itself.

use std::fmt;

use smallvec::SmallVec;

/// An attribute's values, one list per parameter of its spec (an omitted optional parameter is
/// an empty list). One parameter with one value is kept inline; any other shape takes one
/// allocation per parameter.
#[derive(Clone, PartialEq)]
pub struct Args<T>(Repr<T>);

#[derive(Clone, PartialEq)]
enum Repr<T> {
    /// No parameter.
    None,
    /// One parameter with one value.
    One(T),
    /// Any other shape.
    Lists(Box<[Box<[T]>]>),
}

impl<T> Args<T> {
    /// One parameter with one value: the shape of nearly every attribute, built without a list.
    pub fn one(value: T) -> Self {
        Args(Repr::One(value))
    }

    /// How many parameters have a list.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::None => 0,
            Repr::One(_) => 1,
            Repr::Lists(lists) => lists.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of parameter `i`.
    pub fn get(&self, i: usize) -> Option<&[T]> {
        match &self.0 {
            Repr::None => None,
            Repr::One(v) => (i == 0).then(|| std::slice::from_ref(v)),
            Repr::Lists(lists) => lists.get(i).map(|l| &**l),
        }
    }

    /// The values of the first parameter.
    pub fn first(&self) -> Option<&[T]> {
        self.get(0)
    }

    /// The same shape with every value mapped; `f` gets the value's parameter index. Keeps the
    /// one-value shape without the lists that collecting would build.
    pub fn map<U>(&self, mut f: impl FnMut(usize, &T) -> U) -> Args<U> {
        Args(match &self.0 {
            Repr::None => Repr::None,
            Repr::One(v) => Repr::One(f(0, v)),
            Repr::Lists(lists) => {
                Repr::Lists(lists.iter().enumerate().map(|(i, l)| l.iter().map(|v| f(i, v)).collect()).collect())
            }
        })
    }

    /// The values of each parameter, in order.
    pub fn iter(&self) -> ArgsIter<'_, T> {
        match &self.0 {
            Repr::None => ArgsIter { one: None, lists: [].iter() },
            Repr::One(v) => ArgsIter { one: Some(v), lists: [].iter() },
            Repr::Lists(lists) => ArgsIter { one: None, lists: lists.iter() },
        }
    }
}

impl<T> Default for Args<T> {
    fn default() -> Self {
        Args(Repr::None)
    }
}

/// Collects one list per parameter, each gathered without allocating for a single value. The
/// common shapes take no allocation and no more moves than the value itself.
impl<T> FromIterator<SmallVec<[T; 1]>> for Args<T> {
    fn from_iter<I: IntoIterator<Item = SmallVec<[T; 1]>>>(iter: I) -> Self {
        let mut iter = iter.into_iter();
        let Some(first) = iter.next() else { return Args(Repr::None) };
        let Some(second) = iter.next() else {
            return match first.into_inner() {
                Ok([value]) => Args(Repr::One(value)),
                Err(mut list) if list.len() == 1 => match list.pop() {
                    Some(value) => Args(Repr::One(value)),
                    None => Args(Repr::None),
                },
                Err(list) => Args(Repr::Lists(Box::new([list.into_vec().into_boxed_slice()]))),
            };
        };
        let mut lists = Vec::with_capacity(2 + iter.size_hint().0);
        lists.extend([first, second].into_iter().chain(iter).map(|l| l.into_vec().into_boxed_slice()));
        Args(Repr::Lists(lists.into_boxed_slice()))
    }
}

/// Prints as the list of lists it stands for.
impl<T: fmt::Debug> fmt::Debug for Args<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The lists of [`Args::iter`].
#[derive(Clone, Debug)]
pub struct ArgsIter<'a, T> {
    one: Option<&'a T>,
    lists: std::slice::Iter<'a, Box<[T]>>,
}

impl<'a, T> Iterator for ArgsIter<'a, T> {
    type Item = &'a [T];

    fn next(&mut self) -> Option<&'a [T]> {
        match self.one.take() {
            Some(v) => Some(std::slice::from_ref(v)),
            None => self.lists.next().map(|l| &**l),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.one.is_some()) + self.lists.len();
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for ArgsIter<'_, T> {}

impl<'a, T> IntoIterator for &'a Args<T> {
    type Item = &'a [T];
    type IntoIter = ArgsIter<'a, T>;

    fn into_iter(self) -> ArgsIter<'a, T> {
        self.iter()
    }
}

/// A list that is empty for most of its owners (an attribute's `{ ... }` block, a declaration's
/// steps or fields): empty, it is one null pointer (eight bytes where a boxed slice took sixteen
/// and a vector twenty-four) and reads as an empty slice.
#[derive(Clone, PartialEq)]
pub struct ThinList<T>(Option<Box<Box<[T]>>>);

impl<T> Default for ThinList<T> {
    fn default() -> Self {
        ThinList(None)
    }
}

impl<T> From<Vec<T>> for ThinList<T> {
    fn from(attrs: Vec<T>) -> Self {
        ThinList((!attrs.is_empty()).then(|| Box::new(attrs.into_boxed_slice())))
    }
}

impl<T> FromIterator<T> for ThinList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        ThinList::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> std::ops::Deref for ThinList<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], |b| b)
    }
}

impl<'a, T> IntoIterator for &'a ThinList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Prints as the slice it stands for.
impl<T: fmt::Debug> fmt::Debug for ThinList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Values changed in place: the resolver fills in the references lowering left pending.
impl<T> Args<T> {
    /// Calls `f` with each value and its parameter index, in order.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(usize, &mut T)) {
        match &mut self.0 {
            Repr::None => {}
            Repr::One(v) => f(0, v),
            Repr::Lists(lists) => {
                for (i, list) in lists.iter_mut().enumerate() {
                    list.iter_mut().for_each(|v| f(i, v));
                }
            }
        }
    }
}

impl<T> std::ops::DerefMut for ThinList<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.0.as_deref_mut().map_or(&mut [], |b| b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_keep_every_shape_of_parameter_lists() {
        let shapes: [Vec<Vec<u32>>; 5] =
            [vec![], vec![vec![]], vec![vec![1]], vec![vec![1, 2]], vec![vec![1], vec![], vec![3]]];
        for lists in shapes {
            let args: Args<u32> = lists.iter().map(|l| l.iter().copied().collect::<SmallVec<[u32; 1]>>()).collect();
            assert_eq!(args.len(), lists.len());
            assert_eq!(args.iter().len(), lists.len());
            let back: Vec<Vec<u32>> = args.iter().map(<[u32]>::to_vec).collect();
            assert_eq!(back, lists);
            assert_eq!(args.first().map(<[u32]>::to_vec), lists.first().cloned());
            assert_eq!(args.get(lists.len()), None);
            assert_eq!(format!("{args:?}"), format!("{lists:?}"), "prints as the lists");
            let mapped = args.map(|i, v| (i, v * 10));
            let expected: Args<(usize, u32)> = lists
                .iter()
                .enumerate()
                .map(|(i, l)| l.iter().map(|v| (i, v * 10)).collect::<SmallVec<[_; 1]>>())
                .collect();
            assert_eq!(mapped, expected, "mapping keeps the shape collecting would give");
        }
    }

    #[test]
    fn a_thin_list_reads_as_its_slice_and_an_empty_one_allocates_nothing() {
        let empty = ThinList::<u32>::from(Vec::new());
        assert!(empty.is_empty());
        assert_eq!(empty, ThinList::default());
        let block = ThinList::from(vec![7u32, 8]);
        assert_eq!(&*block, &[7, 8]);
        assert_eq!((&block).into_iter().copied().collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(format!("{block:?}"), "[7, 8]");
        assert_eq!(std::mem::size_of::<ThinList<u32>>(), 8);
    }
}
