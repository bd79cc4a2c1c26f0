//===- MergeParallelRegions.cpp - one OpenMP team for a run of nests ------===//
//
// Part of quantc. convert-scf-to-openmp forks a team in every outlined
// nest that runs in parallel: an omp.parallel around an omp.wsloop. Each
// fork and join costs a few microseconds, and a model calls a hundred or
// more such nests per run. This pass forks once for a run of consecutive
// calls: one omp.parallel in the caller, the nests' worksharing loops
// orphaned (they bind to the caller's team), and the serial code between
// them in omp.single. Worksharing loops and single both end in a barrier,
// so every nest still sees all of the previous one's writes.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "BufferAccess.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace quantc {
#define GEN_PASS_DEF_MERGEPARALLELREGIONS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {
/// What an op of the caller becomes when its run of nests is merged.
enum class Role {
  Team,  // a call every thread makes: its nest shares the loop out
  Hoist, // pure or an allocation: moved before the region
  Sink,  // a deallocation: moved after the region
  Serial // run by one thread, in omp.single
};

/// The functions of a module and what they hold.
class NestFunctions {
public:
  explicit NestFunctions(ModuleOp module) : symbols(module) {
    // Every use of every symbol, in one walk (a walk per function is
    // quadratic: seconds for a model of a few hundred nests).
    if (std::optional<SymbolTable::UseRange> all =
            SymbolTable::getSymbolUses(&module.getBodyRegion()))
      for (const SymbolTable::SymbolUse &use : *all)
        usesOf[use.getSymbolRef().getRootReference()].push_back(use.getUser());
    module.walk([&](func::FuncOp func) {
      if (isTeamNest(func) && calledOnlyAtTop(func))
        teamNests.insert(func);
    });
  }

  func::FuncOp callee(func::CallOp call) const {
    return symbols.lookup<func::FuncOp>(call.getCallee());
  }

  bool isTeamCall(Operation *op) const {
    auto call = dyn_cast<func::CallOp>(op);
    return call && teamNests.contains(callee(call));
  }

  /// Whether `op` runs on one thread inside a region as it did outside:
  /// it forks no team and calls only functions defined here that fork
  /// none (declarations, such as the profile's timers, stay outside).
  bool isSerial(Operation *op) {
    WalkResult result = op->walk([&](Operation *nested) {
      if (isa_and_nonnull<omp::OpenMPDialect>(nested->getDialect()))
        return WalkResult::interrupt();
      if (auto call = dyn_cast<func::CallOp>(nested)) {
        func::FuncOp target = callee(call);
        if (!target || target.isDeclaration() || !isOmpFree(target))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return !result.wasInterrupted();
  }

  const DenseSet<Operation *> &teams() const { return teamNests; }

  /// The ops that name `func`.
  ArrayRef<Operation *> usersOf(func::FuncOp func) const {
    auto it = usesOf.find(func.getSymNameAttr());
    return it == usesOf.end() ? ArrayRef<Operation *>() : it->second;
  }

  /// Whether `func`, and what it calls, reach buffers only through its
  /// arguments and constant globals: what a call touches is then what it
  /// is given.
  bool touchesOnlyArguments(func::FuncOp func) {
    auto [it, inserted] = argumentsOnly.try_emplace(func, true);
    if (!inserted || func.isDeclaration())
      return it->second && !func.isDeclaration();
    bool only = true;
    func.walk([&](Operation *op) {
      if (auto global = dyn_cast<memref::GetGlobalOp>(op)) {
        auto defined = symbols.lookup<memref::GlobalOp>(global.getName());
        only = defined && defined.getConstant();
      } else if (auto call = dyn_cast<func::CallOp>(op)) {
        func::FuncOp target = callee(call);
        only = target && (target == func || touchesOnlyArguments(target));
      }
      return only ? WalkResult::advance() : WalkResult::interrupt();
    });
    argumentsOnly[func] = only;
    return only;
  }

private:
  /// A function every thread of a team can run once its regions are
  /// orphaned worksharing loops: its body is parallel regions, calls of
  /// such functions (a GEMM kernel calls its nest) and pure ops.
  bool isTeamNest(func::FuncOp func) {
    auto [it, inserted] = teamShaped.try_emplace(func, false);
    if (!inserted || func.isDeclaration() || !func.getBody().hasOneBlock() ||
        func.getNumResults() != 0)
      return it->second;
    bool forks = false, shaped = true;
    for (Operation &op : func.front()) {
      if (isa<omp::ParallelOp>(op) || isTeamCallShape(&op)) {
        forks = true;
        shaped = shaped && (!isa<omp::ParallelOp>(op) ||
                            isPlainParallel(cast<omp::ParallelOp>(op)));
      } else if (!isa<func::ReturnOp>(op) && !isMemoryEffectFree(&op)) {
        shaped = false;
      }
    }
    teamShaped[func] = forks && shaped;
    return forks && shaped;
  }

  bool isTeamCallShape(Operation *op) {
    auto call = dyn_cast<func::CallOp>(op);
    func::FuncOp target = call ? callee(call) : func::FuncOp();
    return target && isTeamNest(target);
  }

  /// An omp.parallel of worksharing loops, calls of team nests and pure
  /// ops, with no clause but num_threads.
  bool isPlainParallel(omp::ParallelOp parallel) {
    if (parallel->getNumOperands() != (parallel.getNumThreads() ? 1 : 0) ||
        !parallel.getRegion().hasOneBlock())
      return false;
    for (Operation &op : parallel.getRegion().front()) {
      if (isa<omp::TerminatorOp>(op) || isMemoryEffectFree(&op) ||
          isTeamCallShape(&op))
        continue;
      auto loop = dyn_cast<omp::WsloopOp>(op);
      if (!loop || loop->getNumOperands() != 0 || loop.getNowait())
        return false;
      WalkResult nested = loop.getRegion().walk([&](Operation *inner) {
        if (isa<omp::ParallelOp>(inner))
          return WalkResult::interrupt();
        if (auto call = dyn_cast<func::CallOp>(inner)) {
          func::FuncOp target = callee(call);
          if (!target || !isOmpFree(target))
            return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (nested.wasInterrupted())
        return false;
    }
    return true;
  }

  /// Whether `func` and what it calls hold no OpenMP ops (declarations
  /// are taken to hold none).
  bool isOmpFree(func::FuncOp func) {
    auto [it, inserted] = ompFree.try_emplace(func, true);
    if (!inserted || func.isDeclaration())
      return it->second;
    bool free = true;
    func.walk([&](Operation *op) {
      if (isa_and_nonnull<omp::OpenMPDialect>(op->getDialect()))
        free = false;
      else if (auto call = dyn_cast<func::CallOp>(op))
        if (func::FuncOp target = callee(call))
          free = free && (target == func || isOmpFree(target));
      return free ? WalkResult::advance() : WalkResult::interrupt();
    });
    ompFree[func] = free;
    return free;
  }

  /// Whether every call of `func` is run by all threads of a team: it is
  /// directly in a region, or in the entry block of a function, where
  /// this pass puts it into a region (or whose every thread runs it).
  bool calledOnlyAtTop(func::FuncOp func) const {
    ArrayRef<Operation *> users = usersOf(func);
    return !users.empty() && llvm::all_of(users, [](Operation *user) {
      Operation *parent = user->getParentOp();
      auto caller = dyn_cast<func::FuncOp>(parent);
      bool atTop = (caller && user->getBlock() == &caller.front()) ||
                   isa<omp::ParallelOp>(parent);
      return isa<func::CallOp>(user) && atTop;
    });
  }

  SymbolTable symbols;
  DenseMap<StringAttr, SmallVector<Operation *>> usesOf;
  DenseSet<Operation *> teamNests;
  DenseMap<Operation *, bool> ompFree, teamShaped, argumentsOnly;
};

/// Whether `op` only allocates its results (memref.alloc, memref.alloca).
static bool onlyAllocates(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && op->getNumRegions() == 0 &&
         effects.onlyHasEffect<MemoryEffects::Allocate>();
}

static bool onlyFrees(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && op->getNumRegions() == 0 && op->getNumResults() == 0 &&
         effects.onlyHasEffect<MemoryEffects::Free>();
}

/// Whether `op` may sit in a run between team calls.
static bool mayJoinRun(Operation *op, NestFunctions &nests) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return false;
  return nests.isTeamCall(op) || isMemoryEffectFree(op) || onlyAllocates(op) ||
         onlyFrees(op) || nests.isSerial(op);
}

/// The roles of the ops of `run`, which starts with a team call.
static SmallVector<Role> assignRoles(ArrayRef<Operation *> run,
                                     NestFunctions &nests) {
  DenseSet<Operation *> inRegion;
  SmallVector<Role> roles;
  for (Operation *op : run) {
    bool operandsOutside = llvm::none_of(op->getOperands(), [&](Value v) {
      return inRegion.contains(v.getDefiningOp());
    });
    Role role = Role::Serial;
    if (nests.isTeamCall(op))
      role = Role::Team;
    else if (operandsOutside && op->getNumRegions() == 0 &&
             (isMemoryEffectFree(op) || onlyAllocates(op)))
      role = Role::Hoist;
    else if (onlyFrees(op))
      role = Role::Sink;
    if (role == Role::Team || role == Role::Serial)
      inRegion.insert(op);
    roles.push_back(role);
  }
  return roles;
}

/// The serial ops from `start` up to the next team call: one omp.single.
static SmallVector<Operation *> segmentAt(ArrayRef<Operation *> run,
                                          ArrayRef<Role> roles, size_t start) {
  SmallVector<Operation *> segment;
  for (size_t k = start; k < run.size() && roles[k] != Role::Team; ++k)
    if (roles[k] == Role::Serial)
      segment.push_back(run[k]);
  return segment;
}

/// Whether a value `segment` defines is used outside it: one thread
/// computes it, and the others would not see it.
static bool escapes(ArrayRef<Operation *> segment) {
  DenseSet<Operation *> members(segment.begin(), segment.end());
  Block *block = segment.front()->getBlock();
  for (Operation *op : segment)
    for (Operation *user : op->getUsers())
      if (!members.contains(block->findAncestorOpInBlock(*user)))
        return true;
  return false;
}

/// The index in `run` of the first serial op whose segment has a value
/// used outside it; `run.size()` when none has.
static size_t firstEscape(ArrayRef<Operation *> run, ArrayRef<Role> roles) {
  for (size_t i = 0; i < run.size(); ++i) {
    if (roles[i] != Role::Serial)
      continue;
    if (escapes(segmentAt(run, roles, i)))
      return i;
    while (i + 1 < run.size() && roles[i + 1] != Role::Team)
      ++i;
  }
  return run.size();
}

/// Puts `run` (team calls first and last) into one omp.parallel: allocations
/// and pure ops before it, deallocations after it, each stretch of serial
/// ops in an omp.single.
static omp::ParallelOp mergeRun(ArrayRef<Operation *> run, ArrayRef<Role> roles,
                                Value numThreads) {
  Operation *first = run.front();
  for (auto [op, role] : llvm::zip(run, roles))
    if (role == Role::Hoist)
      op->moveBefore(first);
  OpBuilder b(first);
  omp::ParallelOperands clauses;
  clauses.numThreads = numThreads;
  auto parallel = omp::ParallelOp::create(b, first->getLoc(), clauses);
  b.createBlock(&parallel.getRegion());
  auto end = omp::TerminatorOp::create(b, first->getLoc());
  Operation *sinkPoint = parallel;
  Block *single = nullptr; // the omp.single being filled
  for (auto [op, role] : llvm::zip(run, roles)) {
    switch (role) {
    case Role::Hoist:
      break;
    case Role::Sink:
      op->moveAfter(sinkPoint);
      sinkPoint = op;
      break;
    case Role::Team:
      op->moveBefore(end);
      single = nullptr;
      break;
    case Role::Serial:
      if (!single) {
        b.setInsertionPoint(end);
        auto singleOp =
            omp::SingleOp::create(b, op->getLoc(), omp::SingleOperands());
        single = b.createBlock(&singleOp.getRegion());
        omp::TerminatorOp::create(b, op->getLoc());
      }
      op->moveBefore(single->getTerminator());
      break;
    }
  }
  return parallel;
}

/// The team size the nest `call` asked for: the num_threads of its first
/// region (or of the first team nest it calls), rebuilt before `call`;
/// none: the runtime's choice.
static Value numThreadsOf(func::CallOp call, NestFunctions &nests) {
  func::FuncOp nest = nests.callee(call);
  while (nest.getOps<omp::ParallelOp>().empty())
    nest = nests.callee(*nest.getOps<func::CallOp>().begin());
  Value threads = (*nest.getOps<omp::ParallelOp>().begin()).getNumThreads();
  Operation *constant = threads ? threads.getDefiningOp() : nullptr;
  if (!constant || !matchPattern(threads, m_Constant()))
    return Value();
  OpBuilder b(call);
  return b.clone(*constant)->getResult(0);
}

/// Replaces each omp.parallel of the team nest `func` by its body: the
/// worksharing loops then share their iterations among the team of the
/// region that calls `func`.
static void orphanLoops(func::FuncOp func) {
  for (auto parallel :
       llvm::make_early_inc_range(func.front().getOps<omp::ParallelOp>())) {
    Block &body = parallel.getRegion().front();
    body.getTerminator()->erase();
    func.front().getOperations().splice(parallel->getIterator(),
                                        body.getOperations());
    parallel.erase();
  }
}

/// The worksharing loop of `call`'s nest when it is its only one and the
/// nest has no other caller: the loop whose barrier serves that call only.
static omp::WsloopOp soleLoop(func::CallOp call, NestFunctions &nests) {
  func::FuncOp nest = nests.callee(call);
  auto loops = nest.getOps<omp::WsloopOp>();
  if (nests.usersOf(nest).size() != 1 || loops.empty() ||
      !llvm::hasSingleElement(loops) || !nest.getOps<func::CallOp>().empty())
    return omp::WsloopOp();
  return *loops.begin();
}

/// Drops the barrier after a nest when the next nest in `region` touches
/// no buffer elements that it, or any nest since the last barrier, does:
/// the pad borders of a buffer and the producer of its interior, say.
/// Each thread then moves on to its share of the next nest at once.
/// Every memref a call takes counts as read and written.
static int64_t dropNeedlessBarriers(omp::ParallelOp region,
                                    NestFunctions &nests) {
  SmallVector<Value> sinceBarrier; // memrefs of the nests since then
  func::CallOp previous;
  int64_t dropped = 0;
  auto independent = [&](func::CallOp call) {
    if (!nests.touchesOnlyArguments(nests.callee(call)))
      return false;
    return llvm::all_of(call.getArgOperands(), [&](Value arg) {
      return llvm::none_of(sinceBarrier, [&](Value earlier) {
        return quantc::mayOverlap(arg, earlier);
      });
    });
  };
  for (Operation &op : region.getRegion().front()) {
    auto call = dyn_cast<func::CallOp>(op);
    if (!call || !nests.isTeamCall(call)) {
      previous = func::CallOp(); // omp.single, or the end: barriers
      sinceBarrier.clear();
      continue;
    }
    omp::WsloopOp loop = previous ? soleLoop(previous, nests) : omp::WsloopOp();
    if (loop && nests.touchesOnlyArguments(nests.callee(previous)) &&
        independent(call)) {
      loop.setNowait(true);
      ++dropped;
    } else {
      sinceBarrier.clear();
    }
    llvm::append_range(sinceBarrier, call.getArgOperands());
    previous = call;
  }
  return dropped;
}

struct MergeParallelRegionsPass
    : public quantc::impl::MergeParallelRegionsBase<MergeParallelRegionsPass> {
  using Base::Base;

  void runOnOperation() override {
    NestFunctions nests(getOperation());
    if (nests.teams().empty())
      return;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isDeclaration() && !nests.teams().contains(func))
        mergeRuns(func.front(), nests);
    // Every call of a team nest now sits in a region.
    for (Operation *func : nests.teams())
      orphanLoops(cast<func::FuncOp>(func));
    for (omp::ParallelOp region : regions)
      numBarriersDropped += dropNeedlessBarriers(region, nests);
  }

  SmallVector<omp::ParallelOp> regions;

  /// Merges each run of `block`: from a team call to the last team call
  /// before an op that cannot join (a return, a call that forks a team of
  /// its own, a declaration's call), ended early where a serial value
  /// would escape its omp.single.
  void mergeRuns(Block &block, NestFunctions &nests) {
    SmallVector<Operation *> ops =
        llvm::map_to_vector(block, [](Operation &op) { return &op; });
    size_t first = 0;
    while (first < ops.size()) {
      if (!nests.isTeamCall(ops[first])) {
        ++first;
        continue;
      }
      size_t last = first;
      for (size_t k = first + 1; k < ops.size() && mayJoinRun(ops[k], nests);
           ++k)
        if (nests.isTeamCall(ops[k]))
          last = k;
      ArrayRef<Operation *> run;
      SmallVector<Role> roles;
      while (true) {
        run = ArrayRef(ops).slice(first, last - first + 1);
        roles = assignRoles(run, nests);
        size_t escape = firstEscape(run, roles);
        if (escape == run.size())
          break;
        while (roles[--escape] != Role::Team) {
        }
        last = first + escape;
      }
      Value threads = numThreadsOf(cast<func::CallOp>(ops[first]), nests);
      regions.push_back(mergeRun(run, roles, threads));
      ++numRegions;
      numCallsMerged += llvm::count(roles, Role::Team);
      first = last + 1;
    }
  }
};
} // namespace
