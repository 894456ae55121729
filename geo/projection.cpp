#include "geo/projection.hpp"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace geo {

namespace {
struct context_deleter {
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct pj_deleter {
    void operator()(PJ* p) const { proj_destroy(p); }
};
using context_ptr = std::unique_ptr<PJ_CONTEXT, context_deleter>;
using pj_ptr = std::unique_ptr<PJ, pj_deleter>;

std::string last_error(PJ_CONTEXT* ctx) {
    int const code = proj_context_errno(ctx);
    return code ? proj_context_errno_string(ctx, code) : "unknown PROJ error";
}
// When PROJ knows exactly one way from source to target (UTM 48N to WGS 84,
// say), use it directly: proj_create_crs_to_crs wraps even a single
// operation in a per-point choice among alternatives, a tenth of the cost
// of reprojecting. With several candidates (datum shifts chosen by area of
// use, as for Indian 1960) PROJ's own choice is kept, as cs2cs makes it.
PJ* single_operation(PJ_CONTEXT* ctx, PJ* source, PJ* target) {
    PJ_OPERATION_FACTORY_CONTEXT* factory = proj_create_operation_factory_context(ctx, nullptr);
    if (!factory) return nullptr;
    proj_operation_factory_context_set_spatial_criterion(ctx, factory, PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION);
    proj_operation_factory_context_set_grid_availability_use(ctx, factory,
                                                             PROJ_GRID_AVAILABILITY_DISCARD_OPERATION_IF_MISSING_GRID);
    PJ_OBJ_LIST* ops = proj_create_operations(ctx, source, target, factory);
    PJ* chosen = nullptr;
    if (ops && proj_list_get_count(ops) == 1) chosen = proj_list_get(ctx, ops, 0);
    proj_list_destroy(ops);
    proj_operation_factory_context_destroy(factory);
    return chosen;
}
}  // namespace

struct lonlat_transform::impl {
    context_ptr ctx;
    pj_ptr pj;
    std::string name;
};

lonlat_transform::lonlat_transform(std::string const& source_crs) : impl_(std::make_unique<impl>()) {
    // A context per transform keeps each loading thread independent.
    impl_->ctx.reset(proj_context_create());
    PJ_CONTEXT* ctx = impl_->ctx.get();
    proj_log_level(ctx, PJ_LOG_NONE);
    pj_ptr source{proj_create(ctx, source_crs.c_str())};
    if (!source) throw projection_error("PROJ does not understand the CRS '" + source_crs + "': " + last_error(ctx));
    if (char const* name = proj_get_name(source.get())) impl_->name = name;
    pj_ptr target{proj_create(ctx, "EPSG:4326")};
    if (!target) throw projection_error("PROJ cannot create EPSG:4326: " + last_error(ctx) + " (is proj-data installed?)");
    pj_ptr raw{single_operation(ctx, source.get(), target.get())};
    if (!raw) raw.reset(proj_create_crs_to_crs_from_pj(ctx, source.get(), target.get(), nullptr, nullptr));
    if (!raw) throw projection_error("PROJ has no transformation from '" + impl_->name + "' to WGS 84: " + last_error(ctx));
    impl_->pj.reset(proj_normalize_for_visualization(ctx, raw.get()));
    if (!impl_->pj) throw projection_error("PROJ cannot normalise the axis order of '" + impl_->name + "': " + last_error(ctx));
}

lonlat_transform::~lonlat_transform() = default;
lonlat_transform::lonlat_transform(lonlat_transform&&) noexcept = default;
lonlat_transform& lonlat_transform::operator=(lonlat_transform&&) noexcept = default;

std::string const& lonlat_transform::source_name() const { return impl_->name; }

void lonlat_transform::transform(std::span<point> points) const {
    if (points.empty()) return;
    std::size_t const n = points.size();
    proj_errno_reset(impl_->pj.get());
    proj_trans_generic(impl_->pj.get(), PJ_FWD, &points[0].x, sizeof(point), n, &points[0].y, sizeof(point), n,
                       nullptr, 0, 0, nullptr, 0, 0);
    for (auto const& p : points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || std::abs(p.x) > 1e30)
            throw projection_error("coordinates outside the domain of '" + impl_->name +
                                   "' (is the declared CRS right?)");
    }
}

struct crs_transform::impl {
    context_ptr ctx;
    pj_ptr pj;
    bool geographic = false;

    bool run(PJ_DIRECTION direction, std::span<point> points) const {
        if (points.empty()) return true;
        std::size_t const n = points.size();
        proj_errno_reset(pj.get());
        proj_trans_generic(pj.get(), direction, &points[0].x, sizeof(point), n, &points[0].y, sizeof(point), n, nullptr,
                           0, 0, nullptr, 0, 0);
        return std::all_of(points.begin(), points.end(), [](point const& p) {
            return std::isfinite(p.x) && std::isfinite(p.y) && std::abs(p.x) < 1e30 && std::abs(p.y) < 1e30;
        });
    }
};

crs_transform::crs_transform(std::string const& target_crs, axis_order order) : impl_(std::make_unique<impl>()) {
    impl_->ctx.reset(proj_context_create());
    PJ_CONTEXT* ctx = impl_->ctx.get();
    proj_log_level(ctx, PJ_LOG_NONE);
    pj_ptr source{proj_create(ctx, "OGC:CRS84")};
    if (!source)
        throw projection_error("PROJ cannot create OGC:CRS84: " + last_error(ctx) + " (is proj-data installed?)");
    pj_ptr target{proj_create(ctx, target_crs.c_str())};
    if (!target) throw projection_error("PROJ does not understand the CRS '" + target_crs + "': " + last_error(ctx));
    PJ_TYPE const type = proj_get_type(target.get());
    impl_->geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    pj_ptr raw{single_operation(ctx, source.get(), target.get())};
    if (!raw) raw.reset(proj_create_crs_to_crs_from_pj(ctx, source.get(), target.get(), nullptr, nullptr));
    if (!raw)
        throw projection_error("PROJ has no transformation from WGS 84 to '" + target_crs + "': " + last_error(ctx));
    if (order == axis_order::east_north) {
        impl_->pj.reset(proj_normalize_for_visualization(ctx, raw.get()));
        if (!impl_->pj)
            throw projection_error("PROJ cannot normalise the axis order of '" + target_crs + "': " + last_error(ctx));
    } else {
        impl_->pj = std::move(raw);
    }
}

crs_transform::~crs_transform() = default;
crs_transform::crs_transform(crs_transform&&) noexcept = default;
crs_transform& crs_transform::operator=(crs_transform&&) noexcept = default;

bool crs_transform::forward(std::span<point> points) const {
    return impl_->run(PJ_FWD, points);
}
bool crs_transform::inverse(std::span<point> points) const {
    return impl_->run(PJ_INV, points);
}
bool crs_transform::geographic() const {
    return impl_->geographic;
}

bool crs_transform::forward(geometry& g) const {
    bool ok = forward(std::span<point>(g.points));
    for (auto& l : g.lines) ok = forward(std::span<point>(l)) && ok;
    for (auto& p : g.polygons)
        for (auto& r : p.rings) ok = forward(std::span<point>(r)) && ok;
    return ok;
}

crs_transform const& crs_transform_for(std::string const& target_crs, axis_order order) {
    // Asked once per feature written: the last one answers without a lookup.
    thread_local crs_transform const* last = nullptr;
    thread_local std::pair<std::string, axis_order> last_key;
    if (last && last_key.second == order && last_key.first == target_crs) return *last;
    thread_local std::map<std::pair<std::string, axis_order>, crs_transform> kept;
    auto const key = std::pair{target_crs, order};
    auto it = kept.find(key);
    if (it == kept.end()) it = kept.emplace(key, crs_transform(target_crs, order)).first;
    last = &it->second;
    last_key = key;
    return it->second;
}

}  // namespace geo
