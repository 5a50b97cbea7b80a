//! The Barnes–Hut quadtree over the 2-D map: far groups of points act as one
//! body at their centre of mass, so the repulsion on every point costs
//! O(log n) instead of O(n).

const NONE: u32 = u32::MAX;
/// Deeper than this, coinciding points share a leaf instead of splitting
/// forever.
const MAX_DEPTH: u32 = 48;

#[derive(Debug, Clone)]
struct Cell {
    centre: [f64; 2],
    half: f64,
    mass: [f64; 2],
    count: u32,
    /// Index of the first of four children, or `NONE` for a leaf.
    children: u32,
    /// A leaf's first point (the rest follow through `next`).
    first: u32,
    depth: u32,
}

impl Cell {
    fn new(centre: [f64; 2], half: f64, depth: u32) -> Self {
        Self {
            centre,
            half,
            mass: [0.0; 2],
            count: 0,
            children: NONE,
            first: NONE,
            depth,
        }
    }

    fn quadrant(&self, p: [f64; 2]) -> u32 {
        u32::from(p[0] > self.centre[0]) + 2 * u32::from(p[1] > self.centre[1])
    }
}

pub struct QuadTree<'a> {
    points: &'a [[f64; 2]],
    cells: Vec<Cell>,
    /// The next point in the same leaf.
    next: Vec<u32>,
}

impl<'a> QuadTree<'a> {
    pub fn new(points: &'a [[f64; 2]]) -> Self {
        let (mut low, mut high) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            for d in 0..2 {
                low[d] = low[d].min(p[d]);
                high[d] = high[d].max(p[d]);
            }
        }
        let centre = [(low[0] + high[0]) / 2.0, (low[1] + high[1]) / 2.0];
        let half = ((high[0] - low[0]).max(high[1] - low[1]) / 2.0).max(1e-12) * (1.0 + 1e-9);
        let centre = if centre.iter().all(|c| c.is_finite()) {
            centre
        } else {
            [0.0; 2]
        };
        let mut tree = Self {
            points,
            cells: vec![Cell::new(centre, half, 0)],
            next: vec![NONE; points.len()],
        };
        for i in 0..points.len() {
            tree.insert(i as u32);
        }
        tree
    }

    fn insert(&mut self, point: u32) {
        let p = self.points[point as usize];
        let mut at = 0usize;
        loop {
            let cell = &mut self.cells[at];
            cell.count += 1;
            cell.mass[0] += p[0];
            cell.mass[1] += p[1];
            if cell.children != NONE {
                at = (cell.children + cell.quadrant(p)) as usize;
                continue;
            }
            if cell.first == NONE || cell.depth >= MAX_DEPTH {
                self.next[point as usize] = cell.first;
                cell.first = point;
                return;
            }
            // A leaf with a point already: split it and push that point down.
            let resident = cell.first;
            cell.first = NONE;
            self.split(at);
            let child = self.child_for(at, resident);
            let resident_point = self.points[resident as usize];
            let below = &mut self.cells[child];
            below.count = 1;
            below.mass = resident_point;
            below.first = resident;
            self.next[resident as usize] = NONE;
            // The new point, already counted here, goes on into its child.
            at = self.child_for(at, point);
        }
    }

    fn split(&mut self, at: usize) {
        let (centre, half, depth) = {
            let c = &self.cells[at];
            (c.centre, c.half / 2.0, c.depth + 1)
        };
        self.cells[at].children = self.cells.len() as u32;
        for q in 0..4 {
            let dx = if q & 1 == 1 { half } else { -half };
            let dy = if q & 2 == 2 { half } else { -half };
            self.cells
                .push(Cell::new([centre[0] + dx, centre[1] + dy], half, depth));
        }
    }

    fn child_for(&self, at: usize, point: u32) -> usize {
        let cell = &self.cells[at];
        (cell.children + cell.quadrant(self.points[point as usize])) as usize
    }

    /// The repulsion on point `i`: Σ q²·(yᵢ − yⱼ) and Σ q over the other
    /// points, with q = 1 / (1 + |yᵢ − yⱼ|²), cells farther than `theta`
    /// (half-width / distance, as in van der Maaten's bhtsne) summarised by
    /// their centre of mass.
    pub fn repulsion(&self, i: usize, theta: f64, stack: &mut Vec<u32>) -> ([f64; 2], f64) {
        let y = self.points[i];
        let (mut force, mut sum_q) = ([0.0; 2], 0.0);
        stack.clear();
        stack.push(0);
        while let Some(at) = stack.pop() {
            let cell = &self.cells[at as usize];
            if cell.count == 0 {
                continue;
            }
            if cell.children == NONE {
                let mut j = cell.first;
                while j != NONE {
                    if j as usize != i {
                        let other = self.points[j as usize];
                        add_body(&mut force, &mut sum_q, y, other, 1.0);
                    }
                    j = self.next[j as usize];
                }
                continue;
            }
            let count = f64::from(cell.count);
            let centre_of_mass = [cell.mass[0] / count, cell.mass[1] / count];
            let d2 = (y[0] - centre_of_mass[0]).powi(2) + (y[1] - centre_of_mass[1]).powi(2);
            // The reference implementation's criterion: half the cell's width
            // over the distance to its centre of mass.
            if cell.half * cell.half < theta * theta * d2 {
                add_body(&mut force, &mut sum_q, y, centre_of_mass, count);
            } else {
                stack.extend(cell.children..cell.children + 4);
            }
        }
        (force, sum_q)
    }
}

fn add_body(force: &mut [f64; 2], sum_q: &mut f64, y: [f64; 2], other: [f64; 2], count: f64) {
    let (dx, dy) = (y[0] - other[0], y[1] - other[1]);
    let q = 1.0 / (1.0 + dx * dx + dy * dy);
    *sum_q += count * q;
    let push = count * q * q;
    force[0] += push * dx;
    force[1] += push * dy;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(points: &[[f64; 2]], i: usize) -> ([f64; 2], f64) {
        let (mut force, mut sum_q) = ([0.0; 2], 0.0);
        for (j, &p) in points.iter().enumerate() {
            if j != i {
                add_body(&mut force, &mut sum_q, points[i], p, 1.0);
            }
        }
        (force, sum_q)
    }

    #[test]
    fn theta_zero_is_exact_and_coinciding_points_are_kept() {
        let mut points: Vec<[f64; 2]> = (0..40)
            .map(|i| [f64::from(i % 7) * 0.37, f64::from(i / 7) * 1.1 - 2.0])
            .collect();
        points.push(points[3]);
        points.push(points[3]);
        let tree = QuadTree::new(&points);
        let mut stack = Vec::new();
        for i in 0..points.len() {
            let (force, sum_q) = tree.repulsion(i, 0.0, &mut stack);
            let (want_force, want_q) = exact(&points, i);
            assert!(
                (sum_q - want_q).abs() < 1e-12 * want_q.max(1.0),
                "point {i}"
            );
            for d in 0..2 {
                assert!((force[d] - want_force[d]).abs() < 1e-12, "point {i}");
            }
        }
    }

    #[test]
    fn the_approximation_is_close_for_far_groups() {
        let points: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                let t = f64::from(i);
                let group = if i % 2 == 0 { 0.0 } else { 30.0 };
                [group + (t * 0.618).sin(), group + (t * 1.3).cos()]
            })
            .collect();
        let tree = QuadTree::new(&points);
        let mut stack = Vec::new();
        let (_, sum_q) = tree.repulsion(0, 0.5, &mut stack);
        let (_, want_q) = exact(&points, 0);
        assert!(
            (sum_q - want_q).abs() / want_q < 0.02,
            "{sum_q} vs {want_q}"
        );
    }
}
