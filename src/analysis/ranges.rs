//! One list per element stored flat: every list's items in one vector, cut by start offsets.
//! At 100,000 components a `Vec<Vec<_>>` per element costs a header per element and an
//! allocation per non-empty list; this keeps two vectors whatever the element count, and the
//! offsets are four bytes each (a table holds fewer than 2^32 items: the input would not fit in
//! memory long before).

use std::ops::Index;

#[derive(Clone, Debug)]
pub struct Ranges<T> {
    /// `starts[i]..starts[i + 1]` are list `i`'s items; one more entry than there are lists.
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Ranges<T> {
    /// The lists in order, each becoming the list at its position.
    pub fn from_lists<L: IntoIterator<Item = T>>(lists: impl IntoIterator<Item = L>) -> Self {
        let mut ranges = Ranges::default();
        for list in lists {
            ranges.push_list(list);
        }
        ranges
    }

    /// `count` lists filled from `(list, item)` pairs; items keep the pairs' order within each
    /// list, and a pair naming a list past `count` is dropped. Two passes over the pairs and no
    /// table besides the result: at 100,000 components the pairs are the links.
    pub fn from_pairs(count: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self
    where
        T: Clone,
    {
        // Sizes first, counted in the slot after each list's start, then summed into starts.
        let mut starts = vec![0u32; count + 1];
        let mut filler: Option<T> = None;
        for (list, item) in pairs.clone() {
            if list < count {
                starts[list + 1] += 1;
                filler.get_or_insert(item);
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let Some(filler) = filler else { return Ranges { starts, items: Vec::new() } };
        // Each item goes to its list's next free slot; every slot is written once, so the
        // filler (any item) never survives.
        let mut next: Vec<u32> = starts[..count].to_vec();
        let mut items = vec![filler; starts[count] as usize];
        for (list, item) in pairs {
            if let Some(at) = next.get_mut(list) {
                items[*at as usize] = item;
                *at += 1;
            }
        }
        Ranges { starts, items }
    }

    /// No lists yet, with room for `lists` lists of `items` items in all.
    pub fn with_capacity(lists: usize, items: usize) -> Self {
        let mut starts = Vec::with_capacity(lists + 1);
        starts.push(0);
        Ranges { starts, items: Vec::with_capacity(items) }
    }

    /// Appends a list after the last one.
    pub fn push_list(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.starts.push(offset(self.items.len()));
    }

    /// Each list sorted, without repeated items.
    pub fn into_sets(self) -> Self
    where
        T: Ord,
    {
        self.sorted_without_repeats(<[T]>::sort_unstable, |a, b| a == b)
    }

    /// Each list sorted by `sort`, then keeping only the first of each run of items `same` says
    /// are alike.
    fn sorted_without_repeats(self, mut sort: impl FnMut(&mut [T]), same: impl Fn(&T, &T) -> bool) -> Self {
        let Ranges { mut starts, mut items } = self;
        // Kept items move down to `kept`; what they displace was already read. Each list's new
        // end replaces its old one once the list is read.
        let mut kept = 0;
        let mut from = 0;
        for end in starts.iter_mut().skip(1) {
            let list_start = kept;
            let to = *end as usize;
            sort(&mut items[from..to]);
            for i in from..to {
                if kept == list_start || !same(&items[kept - 1], &items[i]) {
                    items.swap(kept, i);
                    kept += 1;
                }
            }
            *end = offset(kept);
            from = to;
        }
        items.truncate(kept);
        items.shrink_to_fit();
        Ranges { starts, items }
    }

    /// List `i`, or `None` past the last list.
    pub fn get(&self, i: usize) -> Option<&[T]> {
        let (&start, &end) = (self.starts.get(i)?, self.starts.get(i + 1)?);
        self.items.get(start as usize..end as usize)
    }

    /// List `i`, empty past the last list.
    pub fn list(&self, i: usize) -> &[T] {
        self.get(i).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Ord + Copy, P> Ranges<(K, P)> {
    /// Each list of `(key, payload)` pairs sorted by key, keeping the first pair (in the list's
    /// order) of each key: one edge per target, with the first link that says so.
    pub fn into_first_per_key(self) -> Self {
        self.sorted_without_repeats(|list| list.sort_by_key(|(k, _)| *k), |a, b| a.0 == b.0)
    }
}

/// An item count as an offset.
fn offset(len: usize) -> u32 {
    u32::try_from(len).expect("a list table holds fewer than 2^32 items")
}

impl<T> Default for Ranges<T> {
    /// No lists at all.
    fn default() -> Self {
        Ranges { starts: vec![0], items: Vec::new() }
    }
}

impl<T> Index<usize> for Ranges<T> {
    type Output = [T];

    fn index(&self, i: usize) -> &[T] {
        self.list(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_their_items_and_order() {
        let r = Ranges::from_lists(vec![vec![3, 1], vec![], vec![7]]);
        assert_eq!(r.len(), 3);
        assert_eq!(r.get(0), Some(&[3, 1][..]));
        assert_eq!(r.get(1), Some(&[][..]));
        assert_eq!(&r[2], &[7]);
        assert_eq!(r.get(3), None);
        assert_eq!(&r[9], &[] as &[i32]);
    }

    #[test]
    fn pairs_group_by_list_in_pair_order_and_drop_out_of_range() {
        let pairs = [(2, 'a'), (0, 'b'), (2, 'c'), (5, 'x'), (0, 'd')];
        let r = Ranges::from_pairs(3, pairs.iter().copied());
        assert_eq!(r.get(0), Some(&['b', 'd'][..]));
        assert_eq!(r.get(1), Some(&[][..]));
        assert_eq!(r.get(2), Some(&['a', 'c'][..]));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn sets_are_sorted_without_repeats_and_keep_their_list() {
        let r = Ranges::from_lists(vec![vec![3, 1, 3, 2], vec![], vec![2, 2], vec![5, 4, 5, 4, 1]]).into_sets();
        assert_eq!(r.len(), 4);
        assert_eq!(&r[0], &[1, 2, 3]);
        assert_eq!(&r[1], &[] as &[i32]);
        assert_eq!(&r[2], &[2]);
        assert_eq!(&r[3], &[1, 4, 5]);
        let mut pushed = Ranges::default();
        pushed.push_list([7, 8]);
        pushed.push_list([]);
        assert_eq!((pushed.len(), &pushed[0], &pushed[1]), (2, &[7, 8][..], &[] as &[i32]));
    }

    #[test]
    fn first_per_key_sorts_by_key_and_keeps_the_earliest_pair_of_each() {
        let pairs = [(0, (3, 'a')), (0, (1, 'b')), (0, (3, 'c')), (2, (5, 'd')), (2, (5, 'e')), (2, (4, 'f'))];
        let r = Ranges::from_pairs(3, pairs.iter().copied()).into_first_per_key();
        assert_eq!(r.len(), 3);
        assert_eq!(&r[0], &[(1, 'b'), (3, 'a')]);
        assert_eq!(&r[1], &[] as &[(i32, char)]);
        assert_eq!(&r[2], &[(4, 'f'), (5, 'd')]);
    }
}
