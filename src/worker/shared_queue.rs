//! Work shared through one queue between the analysis worker and its free
//! helpers: items (parts of a file, ks of a sweep) are taken in order by
//! whoever is free next. A helper holds its next item in its own inbox while
//! it runs one, so it goes on the moment it answers, whatever the analysis
//! worker is doing; a worker slowed down by another program simply takes
//! fewer items. Every item's result is a function of the item alone, so the
//! outcome does not depend on who took what.

use crate::engine::work_split::send_another;
use crate::protocol::helper::HelperReply;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

struct Inner<T> {
    waiting: VecDeque<usize>,
    results: Vec<Option<T>>,
    /// Woken when a result comes or an item is given back.
    wake: Option<oneshot::Sender<()>>,
    /// Helpers that delivered at least one result.
    helped: Vec<usize>,
}

pub struct SharedQueue<T> {
    inner: Rc<RefCell<Inner<T>>>,
    /// The analysis worker's handle (not a helper's task's).
    owner: bool,
}

/// When the analysis worker stops waiting (an error, a warm-up interrupted
/// by the page), the items nobody has taken are dropped: the helpers finish
/// the one they have and take no more.
impl<T> Drop for SharedQueue<T> {
    fn drop(&mut self) {
        if self.owner {
            self.inner.borrow_mut().waiting.clear();
        }
    }
}

impl<T: 'static> SharedQueue<T> {
    /// Items `0..count`, taken in that order.
    pub fn new(count: usize) -> Self {
        Self {
            inner: Rc::new(RefCell::new(Inner {
                waiting: (0..count).collect(),
                results: (0..count).map(|_| None).collect(),
                wake: None,
                helped: Vec::new(),
            })),
            owner: true,
        }
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.inner.borrow().results.len()
    }

    /// How many items nobody has taken yet.
    fn waiting(&self) -> usize {
        self.inner.borrow().waiting.len()
    }

    /// The next item nobody has taken.
    pub fn take(&self) -> Option<usize> {
        self.inner.borrow_mut().waiting.pop_front()
    }

    pub fn put(&self, item: usize, result: T) {
        let mut inner = self.inner.borrow_mut();
        if let Some(slot) = inner.results.get_mut(item) {
            *slot = Some(result);
        }
        if let Some(wake) = inner.wake.take() {
            let _ = wake.send(());
        }
    }

    /// Gives back an item a helper could not do, for the next one free.
    fn give_back(&self, item: usize) {
        let mut inner = self.inner.borrow_mut();
        inner.waiting.push_front(item);
        if let Some(wake) = inner.wake.take() {
            let _ = wake.send(());
        }
    }

    /// Takes `item`'s result, once it is in.
    pub fn result(&self, item: usize) -> Option<T> {
        self.inner
            .borrow_mut()
            .results
            .get_mut(item)
            .and_then(Option::take)
    }

    /// Whether `item`'s result is in (and not taken yet).
    pub fn has_result(&self, item: usize) -> bool {
        self.inner
            .borrow()
            .results
            .get(item)
            .is_some_and(Option::is_some)
    }

    /// How many helpers delivered a result.
    pub fn helpers_used(&self) -> usize {
        self.inner.borrow().helped.len()
    }

    /// Resolves when a result comes in or an item is given back.
    pub async fn changed(&self) {
        let (sender, receiver) = oneshot::channel();
        self.inner.borrow_mut().wake = Some(sender);
        let _ = receiver.await;
    }

    /// Lets helper `helper` take items: `ask(helper, item)` posts the item's
    /// request and gives the reply's receiver (`None`: the helper cannot take
    /// it); `accept(item, reply)` makes the result (`None`: a failed or
    /// wrong answer). On a failure the item goes back to the queue and the
    /// helper takes no more. A helper may be given its next item before it
    /// answers (see [`send_another`]).
    pub fn serve_with(
        &self,
        helper: usize,
        ask: impl Fn(usize, usize) -> Option<oneshot::Receiver<HelperReply>> + 'static,
        accept: impl Fn(usize, HelperReply) -> Option<T> + 'static,
    ) {
        let queue = Self {
            inner: self.inner.clone(),
            owner: false,
        };
        wasm_bindgen_futures::spawn_local(async move {
            let mut sent: VecDeque<(usize, oneshot::Receiver<HelperReply>)> = VecDeque::new();
            let mut stopped = false;
            loop {
                while !stopped && send_another(sent.len(), queue.waiting()) {
                    let Some(item) = queue.take() else {
                        break;
                    };
                    match ask(helper, item) {
                        Some(reply) => sent.push_back((item, reply)),
                        None => {
                            queue.give_back(item);
                            stopped = true;
                        }
                    }
                }
                let Some((item, reply)) = sent.pop_front() else {
                    return;
                };
                match reply.await.ok().and_then(|reply| accept(item, reply)) {
                    Some(result) => {
                        {
                            let mut inner = queue.inner.borrow_mut();
                            if !inner.helped.contains(&helper) {
                                inner.helped.push(helper);
                            }
                        }
                        queue.put(item, result);
                    }
                    None => {
                        queue.give_back(item);
                        stopped = true;
                    }
                }
            }
        });
    }
}

/// Lets the event loop run (a helper's reply, the page's Cancel) before
/// the next synchronous piece of work: a macrotask, not a microtask.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scope: web_sys::DedicatedWorkerGlobalScope =
            wasm_bindgen::JsCast::unchecked_into(js_sys::global());
        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
